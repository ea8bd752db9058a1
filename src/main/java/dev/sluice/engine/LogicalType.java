package dev.sluice.engine;

/** The kinds of value Sluice tells apart, whatever the source calls them. */
public enum LogicalType {
    BOOLEAN,
    INTEGER,
    FLOATING,
    DECIMAL,
    STRING,
    DATE,
    TIME,
    TIMESTAMP,
    TIMESTAMP_TZ,
    BINARY,
    /** Anything else (UUID, JSON, lists, structs …): compared as the source's own type. */
    OTHER;

    public boolean isNumeric() {
        return this == INTEGER || this == FLOATING || this == DECIMAL;
    }

    public boolean isTemporal() {
        return this == DATE || this == TIMESTAMP || this == TIMESTAMP_TZ;
    }

    /** Whether values of this type have an order that lt/gt/between can use. */
    public boolean isOrdered() {
        return isNumeric() || isTemporal() || this == STRING || this == TIME;
    }
}
