package dev.sluice.run;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Run ids that sort by start time and are safe in file and object names: {@code 20251128T180000Z-3f9a}. */
public final class RunIds {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunIds() {}

    public static String next(Instant start) {
        return FORMAT.format(start) + "-" + String.format("%04x", RANDOM.nextInt(1 << 16));
    }
}
