package dev.sluice.publish;

/** A published object: its name, which output it belongs to, rows, bytes and CRC32C (base64, as GCS shows it). */
public record FileRecord(String object, String output, long rows, long bytes, String crc32c) {}
