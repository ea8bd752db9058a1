package dev.sluice.format;

/** Compression of the text formats: none, or the whole file gzipped ({@code .gz}). */
public enum TextCompression {
    NONE(""), GZIP(".gz");

    private final String suffix;

    TextCompression(String suffix) {
        this.suffix = suffix;
    }

    public String suffix() {
        return suffix;
    }
}
