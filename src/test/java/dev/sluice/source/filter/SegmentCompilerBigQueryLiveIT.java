package dev.sluice.source.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.DatasetInfo;
import com.google.cloud.bigquery.QueryJobConfiguration;
import dev.sluice.source.SourceSession;
import dev.sluice.source.bigquery.BigQuerySource;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The same segment suite as {@link SegmentCompilerBigQueryIT}, against a real BigQuery project:
 * opt-in, it runs when {@code SLUICE_BIGQUERY_TEST_PROJECT} names a project and Application
 * Default Credentials are present ({@code gcloud auth application-default login}, or
 * {@code GOOGLE_APPLICATION_CREDENTIALS}), and is skipped otherwise, saying why in the test report.
 * It creates a dataset {@code sluice_test_<random>} in {@code SLUICE_BIGQUERY_TEST_LOCATION} (default
 * US), loads the fixture with GoogleSQL DDL and DML, and deletes the dataset afterwards. The rows it
 * queries are a few hundred bytes: every query bills BigQuery's 10 MB minimum.
 */
class SegmentCompilerBigQueryLiveIT extends SegmentCompilerBigQueryIT {
    static final String PROJECT = "SLUICE_BIGQUERY_TEST_PROJECT";
    private BigQuery client;
    private String dataset;
    private String skipped;

    /** Each test is reported as skipped, with the reason, when no project or credentials are given. */
    @BeforeEach
    void requireProject() {
        Assumptions.assumeTrue(skipped == null, skipped);
    }

    @Override
    SourceSession openSession() throws Exception {
        String project = System.getenv(PROJECT);
        if (project == null || project.isBlank()) {
            skipped = "skipped: set " + PROJECT + " (and Application Default Credentials) to run the BigQuery suite against a real project";
            return null;
        }
        GoogleCredentials credentials;
        try {
            credentials = GoogleCredentials.getApplicationDefault();
        } catch (java.io.IOException e) {
            skipped = "skipped: " + PROJECT + " is set but no Application Default Credentials were found (" + e.getMessage() + ")";
            return null;
        }
        String location = System.getenv().getOrDefault("SLUICE_BIGQUERY_TEST_LOCATION", "US");
        client = BigQueryOptions.newBuilder().setProjectId(project).setLocation(location).setCredentials(credentials).build().getService();
        dataset = "sluice_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        client.create(DatasetInfo.newBuilder(DatasetId.of(project, dataset)).setLocation(location).build());
        for (String statement : fixture(dataset)) {
            client.query(QueryJobConfiguration.newBuilder(statement).setUseLegacySql(false).build());
        }
        return new BigQuerySource("bq", project, location, dataset, null, null, null, 3, null, null).session();
    }

    /** The contract's fixture in GoogleSQL: its types, and string literals with backslash escapes (GoogleSQL does not double quotes). */
    static List<String> fixture(String dataset) {
        String table = dataset + "." + TABLE;
        StringBuilder insert = new StringBuilder("INSERT INTO " + table + " (id, n, d, f, t, dt, ts, tstz, b) VALUES ");
        for (int i = 0; i < ROWS.length; i++) {
            insert.append(i == 0 ? "" : ",\n").append(googleSqlRow(ROWS[i]));
        }
        return List.of("CREATE TABLE " + table + " (id INT64, n INT64, d NUMERIC(10, 2), f FLOAT64, t STRING, dt DATE, ts DATETIME, "
                + "tstz TIMESTAMP, b BOOL)", insert.toString());
    }

    /** A row of the contract's fixture (standard SQL literals) as GoogleSQL: typed literals, quotes and backslashes escaped. */
    static String googleSqlRow(String row) {
        String[] types = {null, null, "NUMERIC", null, null, "DATE", "DATETIME", "TIMESTAMP", null};
        StringBuilder out = new StringBuilder("(");
        int column = 0;
        for (int i = 1; i < row.length() - 1; i++) {
            char c = row.charAt(i);
            if (c == '\'') {
                StringBuilder text = new StringBuilder();
                i++;
                while (true) {
                    char d = row.charAt(i);
                    if (d == '\'' && i + 1 < row.length() && row.charAt(i + 1) == '\'') {
                        text.append("\\'");
                        i += 2;
                    } else if (d == '\'') {
                        break;
                    } else {
                        text.append(d == '\\' ? "\\\\" : String.valueOf(d));
                        i++;
                    }
                }
                out.append(types[column] == null ? "" : types[column] + " ").append('\'').append(text).append('\'');
            } else if (c == ',') {
                column++;
                out.append(c);
            } else if (types[column] != null && types[column].equals("NUMERIC") && (Character.isDigit(c) || c == '-')
                    && (out.charAt(out.length() - 1) == ' ' || out.charAt(out.length() - 1) == ',')) {
                out.append("NUMERIC '");
                while (Character.isDigit(row.charAt(i)) || row.charAt(i) == '.' || row.charAt(i) == '-') {
                    out.append(row.charAt(i++));
                }
                out.append('\'');
                i--;
            } else {
                out.append(c);
            }
        }
        return out.append(')').toString();
    }

    @Override
    void close() throws Exception {
        super.close();
        if (client != null && dataset != null) {
            client.delete(DatasetId.of(client.getOptions().getProjectId(), dataset), BigQuery.DatasetDeleteOption.deleteContents());
        }
    }

    @Override
    Connection connection() {
        throw new UnsupportedOperationException("the live suite has no JDBC connection");
    }

    @Override
    @Test
    void valuesNeverReachTheSqlTextAndTheTableSurvives() throws java.sql.SQLException {
        for (Case c : INJECTIONS) {
            try {
                select(c.filter());
            } catch (EscapeRefused ignored) {
                // checked in valuesThatLookLikeSqlOrPatternsAreData
            }
        }
        assertThat(select("{attribute: id, op: is_not_null}")).hasSize(ROWS.length);
    }

    @Override
    @Test
    void everyStatementSentIsGoogleSqlAndRanOnZetaSql() {
        Assumptions.abort("the fake's statement log only: BigQuery itself judged every statement of the other cases");
    }
}
