package dev.sluice.source.bigquery;

import dev.sluice.source.SourceSession;
import dev.sluice.source.Model;
import dev.sluice.source.EngineStaging;

import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.JobStatistics;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableResult;
import dev.sluice.engine.Column;
import dev.sluice.engine.Engine;
import dev.sluice.error.SluiceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The catalog's view of a BigQuery source. A model's columns come from a dry run (BigQuery plans
 * the query and returns its schema without reading or billing any row); preview queries run on
 * BigQuery and their (small) results are staged in a private in-memory engine, typed as a run
 * types them, for the caller to read.
 */
final class BigQuerySession implements SourceSession {
    private final BigQuerySource source;
    private final BigQueryReader reader;
    private final BigQueryClient client;
    private Engine engine;
    private Path tempDir;

    BigQuerySession(BigQuerySource source, BigQueryClient client) {
        this.source = source;
        this.client = client;
        this.reader = new BigQueryReader(source, client);
    }

    @Override
    public List<Column> columns(Model model) throws SQLException {
        QueryJobConfiguration config = reader.query(BigQueryReader.body(model)).setDryRun(true).build();
        JobStatistics.QueryStatistics statistics;
        try {
            JobId id = JobId.newBuilder().setRandomJob().setLocation(source.location()).build();
            Job job = client.bigquery().create(JobInfo.of(id, config));
            statistics = job.getStatistics();
        } catch (BigQueryException e) {
            if (BigQueryErrors.rejectsQuery(e)) {
                throw new SQLException(BigQueryErrors.queryMessage(e), e);
            }
            throw BigQueryErrors.translate(source, model.name(), e, "planning the query of model " + model.name() + " (dry run)");
        }
        List<String> refused = new ArrayList<>();
        List<Column> columns = BigQueryTypes.columns(statistics == null ? null : statistics.getSchema(), refused);
        if (!refused.isEmpty()) {
            throw new SQLException(String.join("; ", refused));
        }
        return columns;
    }

    @Override
    public String identifierQuote() {
        return "`";
    }

    /** GoogleSQL's LIKE has no ESCAPE clause (it escapes with a backslash): text is matched with functions. */
    @Override
    public dev.sluice.source.TextMatch textMatch() {
        return dev.sluice.source.TextMatch.FUNCTIONS;
    }

    @Override
    public <T> T query(String sql, List<Object> parameters, ResultReader<T> resultReader) throws SQLException {
        QueryJobConfiguration.Builder config = reader.query(sql);
        for (Object parameter : parameters) {
            config.addPositionalParameter(BigQueryTypes.parameter(parameter));
        }
        TableResult result;
        try {
            result = client.bigquery().query(config.build());
        } catch (BigQueryException e) {
            if (BigQueryErrors.rejectsQuery(e)) {
                throw new SQLException(BigQueryErrors.queryMessage(e), e);
            }
            throw BigQueryErrors.translate(source, null, e, "running a preview query");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SluiceException.external("sources." + source.name() + ": interrupted while running a preview query", e);
        }
        List<String> refused = new ArrayList<>();
        List<Column> columns = BigQueryTypes.columns(result.getSchema(), refused);
        if (!refused.isEmpty()) {
            throw new SQLException(String.join("; ", refused));
        }
        Engine local = engine();
        try {
            Path csv = EngineStaging.tempCsv(local);
            try {
                reader.writeCsv(result, columns, csv, "preview");
                String table = EngineStaging.load(local, columns, csv);
                try (Statement statement = local.connection().createStatement();
                        ResultSet rs = statement.executeQuery("SELECT * FROM " + table)) {
                    return resultReader.read(rs);
                }
            } finally {
                Files.deleteIfExists(csv);
            }
        } catch (IOException e) {
            throw SluiceException.external("sources." + source.name() + ": cannot stage preview rows: " + e.getMessage(), e);
        }
    }

    private Engine engine() {
        if (engine == null) {
            try {
                tempDir = Files.createTempDirectory("sluice-bigquery-");
            } catch (IOException e) {
                throw SluiceException.external("cannot create a temporary folder for preview rows: " + e.getMessage(), e);
            }
            engine = Engine.open(tempDir, tempDir, "256MB", 1);
        }
        return engine;
    }

    @Override
    public void close() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
        if (tempDir != null) {
            try (var files = Files.walk(tempDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary folder left behind is harmless
            }
        }
    }
}
