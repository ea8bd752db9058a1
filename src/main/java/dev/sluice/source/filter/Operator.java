package dev.sluice.source.filter;

import java.util.Locale;

/** The condition operators of a segment filter, and the shape of value each takes. */
public enum Operator {
    EQ(Shape.ONE), NEQ(Shape.ONE), LT(Shape.ONE), LTE(Shape.ONE), GT(Shape.ONE), GTE(Shape.ONE),
    IN(Shape.LIST), NOT_IN(Shape.LIST),
    CONTAINS(Shape.ONE), NOT_CONTAINS(Shape.ONE), STARTS_WITH(Shape.ONE), ENDS_WITH(Shape.ONE),
    IS_NULL(Shape.NONE), IS_NOT_NULL(Shape.NONE),
    BETWEEN(Shape.PAIR),
    WITHIN_LAST(Shape.DURATION);

    /** What the {@code value} key must hold. */
    public enum Shape { NONE, ONE, LIST, PAIR, DURATION }

    private final Shape shape;

    Operator(Shape shape) {
        this.shape = shape;
    }

    public Shape shape() {
        return shape;
    }

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isTextMatch() {
        return this == CONTAINS || this == NOT_CONTAINS || this == STARTS_WITH || this == ENDS_WITH;
    }

    public boolean isOrderComparison() {
        return this == LT || this == LTE || this == GT || this == GTE || this == BETWEEN;
    }
}
