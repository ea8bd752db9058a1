package dev.sluice.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Partition folder names: Hive's escaping, its default partition, and what counts as a partition's path. */
class PartitionByTest {
    @Test
    void valuesAreEscapedAsHiveEscapesThem() {
        assertThat(PartitionBy.folder("country", "FR")).isEqualTo("country=FR");
        assertThat(PartitionBy.folder("city", "Paris/Ouest: 50%")).isEqualTo("city=Paris%2FOuest%3A 50%25");
        assertThat(PartitionBy.folder("k", "a=b?c#d*e'f\"g\\h{i[j]k^l")).isEqualTo("k=a%3Db%3Fc%23d%2Ae%27f%22g%5Ch%7Bi%5Bj%5Dk%5El");
        assertThat(PartitionBy.folder("k", "tab\tnew\nline\u007f")).isEqualTo("k=tab%09new%0Aline%7F");
        assertThat(PartitionBy.folder("k", "Côte d'Ivoire ✓")).isEqualTo("k=Côte d%27Ivoire ✓");
        assertThat(PartitionBy.folder("a=b", "x")).as("a name is escaped too").isEqualTo("a%3Db=x");
    }

    @Test
    void nullAndEmptyAreTheDefaultPartition() {
        assertThat(PartitionBy.folder("country", null)).isEqualTo("country=__HIVE_DEFAULT_PARTITION__");
        assertThat(PartitionBy.folder("country", "")).isEqualTo("country=__HIVE_DEFAULT_PARTITION__");
    }

    @Test
    void derivedPartsNameTheirFolderAfterTheColumnAndThePart() {
        assertThat(new PartitionBy.Part("created_at", PartitionBy.Derived.MONTH).folderName("created")).isEqualTo("created_month");
        assertThat(new PartitionBy.Part("country", null).folderName("Country")).isEqualTo("Country");
    }

    @Test
    void aPathIsInAPartitionWhenEveryFolderOfItIsNameEqualsValue() {
        assertThat(PartitionBy.inPartition("country=FR/x.csv")).isTrue();
        assertThat(PartitionBy.inPartition("country=FR/day=2026-11-05/x.csv")).isTrue();
        assertThat(PartitionBy.inPartition("x.csv")).isFalse();
        assertThat(PartitionBy.inPartition("v2/country=FR/x.csv")).isFalse();
        assertThat(PartitionBy.inPartition("country=FR/v2/x.csv")).isFalse();
        assertThat(PartitionBy.inPartition("=FR/x.csv")).isFalse();
    }
}
