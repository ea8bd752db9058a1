package dev.sluice.format;

import dev.sluice.workspace.Node;

/** Apache Parquet with typed columns; compression is inside the file. */
public record ParquetFormat(Codec compression) implements FileFormat {

    public enum Codec { SNAPPY, ZSTD, GZIP, NONE }

    static ParquetFormat parse(Node node) {
        node.allowKeys("type", "compression");
        return new ParquetFormat(node.choice("compression", Codec.class, Codec.SNAPPY));
    }

    @Override
    public String type() {
        return "parquet";
    }

    @Override
    public String extension() {
        return ".parquet";
    }

    @Override
    public String contentType() {
        return "application/vnd.apache.parquet";
    }
}
