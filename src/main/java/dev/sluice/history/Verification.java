package dev.sluice.history;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * One comparison of what an activation has published now (see {@link VerificationStore#publishedNow})
 * with what its destination holds: {@code checked} objects expected, and what differs. A
 * verification changes nothing on the destination; it is kept in the history's
 * {@code verifications} table, never among the runs.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Verification(String id, String activation, String destination, String folder, String trigger, Instant at,
        boolean ok, int checked, List<Finding> findings) {

    /** The kinds of finding: an expected object is gone, written again, or an object no run published is in the folder. */
    public static final List<String> KINDS = List.of(Finding.MISSING, Finding.CHANGED, Finding.UNPUBLISHED);

    public Verification {
        findings = findings == null ? List.of() : List.copyOf(findings);
    }

    /** How many findings are of {@code kind}. */
    public long count(String kind) {
        return findings.stream().filter(f -> f.kind().equals(kind)).count();
    }

    /**
     * One difference. {@code run}: the run that published the object (null for {@code unpublished});
     * {@code expected}: its record of the object; {@code found}: what the destination holds (null
     * for {@code missing}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Finding(String kind, String object, String run, String detail, FileRecord expected, Found found) {
        public static final String MISSING = "missing";
        public static final String CHANGED = "changed";
        public static final String UNPUBLISHED = "unpublished";
    }

    /** An object as the destination holds it: its version (on GCS the generation), size and CRC32C. */
    public record Found(String version, long bytes, String crc32c) {}
}
