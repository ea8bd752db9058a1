package dev.sluice.bench;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs a class of Sluice in a fresh JVM (this one's class path) and measures its wall time and peak
 * resident memory, so that every figure of a benchmark is the child's own.
 */
final class ChildProcess {
    /**
     * Wall seconds, CPU seconds (user + system, all threads) and peak RSS in bytes (VmHWM), both
     * sampled from /proc while it runs (0 without /proc), exit code, stdout and stderr.
     */
    record Result(double seconds, double cpuSeconds, long peakRssBytes, int exitCode, String output, String errors) {}

    /** Linux's USER_HZ, the unit of CPU times in /proc/PID/stat: 100 on every common platform. */
    private static final double TICKS_PER_SECOND = 100;

    private ChildProcess() {}

    /** {@code java JVM_OPTIONS -cp CLASSPATH MAIN_CLASS ARGS} in {@code workDir}. */
    static Result run(List<String> jvmOptions, Class<?> mainClass, List<String> args, Path workDir)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        // Absolute: the child runs in another folder.
        command.add(Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator)));
        command.add(mainClass.getName());
        command.addAll(args);
        Path out = Files.createTempFile("sluice-bench-", ".out");
        Path err = Files.createTempFile("sluice-bench-", ".err");
        try {
            long start = System.nanoTime();
            Process process = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            long peak = 0;
            double cpu = 0;
            Path proc = Path.of("/proc", Long.toString(process.pid()));
            while (process.isAlive()) {
                peak = Math.max(peak, highWaterMark(proc.resolve("status")));
                cpu = Math.max(cpu, cpuSeconds(proc.resolve("stat")));
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(seconds, cpu, peak, process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The CPU seconds (user + system) a process has used so far, from its /proc stat file; 0 when unreadable. */
    static double cpuSeconds(Path stat) {
        try {
            String text = Files.readString(stat);
            // Fields after the command name (which is in parentheses and may hold spaces): utime and stime are the 12th and 13th.
            String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The CPU seconds this process has used so far, all threads (the engine's included). */
    static double ownCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    /** VmHWM of a process in bytes, or 0 when it cannot be read (the process ended, or no /proc). */
    static long highWaterMark(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
