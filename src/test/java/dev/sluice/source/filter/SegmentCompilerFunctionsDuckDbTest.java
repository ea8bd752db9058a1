package dev.sluice.source.filter;

import dev.sluice.source.TextMatch;
import java.time.Clock;
import java.time.ZoneOffset;

/**
 * The segment compiler's contract with text matched by functions ({@code STRPOS}, {@code STARTS_WITH},
 * {@code ENDS_WITH}), as a BigQuery source's preview compiles it: the same cases, patterns and
 * injections select the same rows.
 */
class SegmentCompilerFunctionsDuckDbTest extends SegmentCompilerDuckDbTest {
    @Override
    SegmentCompiler compiler() {
        return new SegmentCompiler(Clock.fixed(NOW, ZoneOffset.UTC)).textMatch(TextMatch.FUNCTIONS);
    }
}
