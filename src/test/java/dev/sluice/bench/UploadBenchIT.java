package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upload benchmark on a small table: both runs deliver to the fake and a line of figures is printed for each. */
class UploadBenchIT {
    @TempDir
    Path dir;

    @Test
    void reportsBothActivations() throws Exception {
        StringWriter text = new StringWriter();
        new UploadBench(20_000, dir, new PrintWriter(text, true)).run();
        String report = text.toString();
        assertThat(report).contains("generated 20,000 rows");
        assertThat(report).containsPattern("csv_full\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9]+\\s+[0-9]+%\\s+[1-9][0-9]*");
        assertThat(report).containsPattern("parquet_full\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9.]+\\s+[0-9]+\\s+[0-9]+%\\s+[1-9][0-9]*");
    }
}
