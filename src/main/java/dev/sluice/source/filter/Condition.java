package dev.sluice.source.filter;

import java.time.Duration;
import java.util.List;

/**
 * {@code {attribute, op, value}}. {@code values} holds the value as written (String, Long,
 * BigDecimal or Boolean): none for is_null/is_not_null, one for comparisons, two for between,
 * one or more for in/not_in; {@code window} is set for within_last.
 */
public record Condition(String attribute, Operator op, List<Object> values, Duration window, String path)
        implements Filter {
    public Condition {
        values = List.copyOf(values);
    }
}
