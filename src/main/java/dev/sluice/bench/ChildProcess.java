package dev.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs a Sluice command in a fresh JVM and measures its wall time and peak resident memory. */
final class ChildProcess {
    /** Wall seconds, peak RSS in bytes (VmHWM sampled from /proc while it runs), exit code and output. */
    record Result(double seconds, long peakRssBytes, int exitCode, String output) {}

    private ChildProcess() {}

    static Result run(List<String> jvmOptions, List<String> args, Path workDir) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.sluice.cli.Main");
        command.addAll(args);
        Path log = Files.createTempFile("sluice-bench-", ".log");
        try {
            long start = System.nanoTime();
            Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            long peak = 0;
            Path status = Path.of("/proc", Long.toString(process.pid()), "status");
            while (process.isAlive()) {
                peak = Math.max(peak, highWaterMark(status));
                Thread.sleep(50);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(seconds, peak, process.exitValue(), Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
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
