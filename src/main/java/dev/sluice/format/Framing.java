package dev.sluice.format;

import java.nio.charset.StandardCharsets;

/**
 * How a text format wraps its records: what comes before the first record, between two records,
 * after the last, and what an empty file holds. {@code csvQuote} is the CSV quote character when
 * records may hold quoted line breaks (CSV), or -1 when every record is one line; {@code header}
 * says the first record of the engine's output is a header repeated at the top of every part.
 */
record Framing(byte[] head, byte[] separator, byte[] tail, byte[] empty, int csvQuote, boolean header) {

    static Framing lines() {
        return new Framing(new byte[0], bytes("\n"), bytes("\n"), new byte[0], -1, false);
    }

    static Framing csv(char quote, boolean header) {
        return new Framing(new byte[0], bytes("\n"), bytes("\n"), new byte[0], quote, header);
    }

    static Framing of(String head, String separator, String tail, String empty) {
        return new Framing(bytes(head), bytes(separator), bytes(tail), bytes(empty), -1, false);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
