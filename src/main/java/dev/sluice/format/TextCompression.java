package dev.sluice.format;

/** Compression of the text formats: none, or the whole file gzipped ({@code .gz}). */
public enum TextCompression {
    NONE(""), GZIP(".gz");

    /** The {@code compression} option of the text formats. */
    static final dev.sluice.config.SettingSpec SETTING = dev.sluice.config.SettingSpec.choice("compression", TextCompression.class)
            .withDefault("none").in("format", 9).help("gzip writes NAME.EXT.gz objects");

    private final String suffix;

    TextCompression(String suffix) {
        this.suffix = suffix;
    }

    public String suffix() {
        return suffix;
    }
}
