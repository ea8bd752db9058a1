package dev.sluice.source.bigquery;

import dev.sluice.source.Model;
import dev.sluice.source.EngineStaging;

import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobStatistics;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableResult;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.sluice.engine.Column;
import dev.sluice.engine.Engine;
import dev.sluice.error.SluiceException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads a model from BigQuery into the engine. The query runs once; its result comes through the
 * query API page by page into a typed CSV file (memory stays flat: one page at a time), or, when
 * it has more than {@code export.above_rows} rows, leaves BigQuery with {@code EXPORT DATA} as
 * Parquet files under a folder of the export bucket that only this read uses, which are copied to
 * the engine's temporary folder, loaded, and deleted from the bucket (also when the load fails).
 */
final class BigQueryReader {
    private final BigQuerySource source;
    private final BigQueryClient client;

    BigQueryReader(BigQuerySource source, BigQueryClient client) {
        this.source = source;
        this.client = client;
    }

    /** The model's SQL as BigQuery runs it: trailing semicolons dropped. */
    static String body(Model model) {
        String body = model.sql().strip();
        while (body.endsWith(";")) {
            body = body.substring(0, body.length() - 1).strip();
        }
        return body;
    }

    QueryJobConfiguration.Builder query(String sql) {
        QueryJobConfiguration.Builder builder = QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false);
        if (source.dataset() != null) {
            builder.setDefaultDataset(DatasetId.of(source.project(), source.dataset()));
        }
        if (source.maximumBytesBilled() != null) {
            builder.setMaximumBytesBilled(source.maximumBytesBilled());
        }
        return builder;
    }

    /**
     * The model's query as a dry-run job: the bytes BigQuery would process (and bill) running it.
     * A large result's {@code EXPORT DATA} reads the query's result table, whose size no dry run
     * can tell before the query has run: it is not in the estimate.
     */
    java.util.List<dev.sluice.source.BilledStatement> estimate(Model model) {
        JobStatistics.QueryStatistics statistics = dryRun(body(model), model.name(), "estimating the bytes the query of model "
                + model.name() + " would bill (dry run)");
        Long bytes = statistics == null ? null : statistics.getTotalBytesProcessed();
        return java.util.List.of(new dev.sluice.source.BilledStatement("query of model " + model.name(), bytes == null ? 0 : bytes));
    }

    /** Runs {@code sql} as a dry-run job (planned, nothing read or billed) and returns its statistics. */
    JobStatistics.QueryStatistics dryRun(String sql, String model, String action) {
        QueryJobConfiguration config = query(sql).setDryRun(true).build();
        try {
            JobId id = JobId.newBuilder().setRandomJob().setLocation(source.location()).build();
            Job job = client.bigquery().create(com.google.cloud.bigquery.JobInfo.of(id, config));
            return job.getStatistics();
        } catch (BigQueryException e) {
            throw BigQueryErrors.translate(source, model, e, action);
        }
    }

    TableResult run(QueryJobConfiguration config, String model, String action) {
        try {
            return client.bigquery().query(config);
        } catch (BigQueryException e) {
            throw BigQueryErrors.translate(source, model, e, action);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SluiceException.external("sources." + source.name() + ": interrupted while " + action, e);
        }
    }

    static List<Column> columns(TableResult result, String model) {
        List<String> refused = new ArrayList<>();
        List<Column> columns = BigQueryTypes.columns(result.getSchema(), refused);
        if (!refused.isEmpty()) {
            throw SluiceException.user("models." + model + ".sql: " + String.join("; ", refused));
        }
        return columns;
    }

    String loadInto(Engine engine, Model model) throws SQLException {
        String action = "running the query of model " + model.name();
        TableResult result = run(query(body(model)).build(), model.name(), action);
        List<Column> columns = columns(result, model.name());
        BigQuerySource.Export export = source.export();
        if (export != null && result.getTotalRows() > export.aboveRows()) {
            return exported(engine, model, result, columns);
        }
        try {
            Path csv = EngineStaging.tempCsv(engine);
            try {
                writeCsv(result, columns, csv, model.name());
                return EngineStaging.load(engine, columns, csv);
            } finally {
                Files.deleteIfExists(csv);
            }
        } catch (IOException e) {
            throw SluiceException.external("sources." + source.name() + ": cannot stage rows in the engine: " + e.getMessage(), e);
        }
    }

    /** Streams every page of the result into {@code csv}; returns the row count. */
    long writeCsv(TableResult result, List<Column> columns, Path csv, String model) throws IOException {
        long rows = 0;
        List<String> values = new ArrayList<>(columns.size());
        try (Writer out = new BufferedWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8), 1 << 16)) {
            for (FieldValueList row : result.iterateAll()) {
                values.clear();
                for (int i = 0; i < columns.size(); i++) {
                    values.add(BigQueryTypes.text(row.get(i), columns.get(i)));
                }
                EngineStaging.writeRow(out, values);
                rows++;
            }
        } catch (BigQueryException e) {
            throw BigQueryErrors.translate(source, model, e, "reading the rows of model " + model + " (after " + rows + " rows)");
        }
        return rows;
    }

    private String exported(Engine engine, Model model, TableResult result, List<Column> columns) throws SQLException {
        BigQuerySource.Export export = source.export();
        String folder = export.prefix() + "sluice-" + model.name().replaceAll("[^A-Za-z0-9_-]", "_") + "-" + UUID.randomUUID() + "/";
        String uri = "gs://" + export.bucket() + "/" + folder + "*.parquet";
        TableId table = resultTable(result.getJobId());
        String select = table == null ? body(model)
                : "SELECT * FROM `" + table.getProject() + "." + table.getDataset() + "." + table.getTable() + "`";
        String sql = "EXPORT DATA OPTIONS (uri = '" + uri + "', format = 'PARQUET', overwrite = true) AS\n" + select;
        List<Path> files = new ArrayList<>();
        boolean loaded = false;
        try {
            run(query(sql).build(), model.name(), "exporting the result of model " + model.name() + " (" + result.getTotalRows()
                    + " rows) to " + "gs://" + export.bucket() + "/" + folder);
            for (Blob blob : client.storage().list(export.bucket(), Storage.BlobListOption.prefix(folder)).iterateAll()) {
                if (blob.getName().endsWith("/")) {
                    continue;
                }
                Path local = Files.createTempFile(engine.tempDir(), "sluice-export-", ".parquet");
                files.add(local);
                blob.downloadTo(local);
            }
            if (files.isEmpty()) {
                throw SluiceException.external("sources." + source.name() + ": EXPORT DATA wrote no files under " + uri
                        + "; run again", null);
            }
            String relation = EngineStaging.loadParquet(engine, columns, files);
            loaded = true;
            return relation;
        } catch (StorageException e) {
            throw storageError(e, "reading the exported files under gs://" + export.bucket() + "/" + folder);
        } catch (IOException e) {
            throw SluiceException.external("sources." + source.name() + ": cannot copy the exported files into the engine: "
                    + e.getMessage(), e);
        } finally {
            for (Path file : files) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // the engine's temporary folder is cleared with the run
                }
            }
            deleteExport(export, folder, loaded);
        }
    }

    /** The table BigQuery wrote the query's result to, so that the export does not run the query again. */
    private TableId resultTable(JobId jobId) {
        if (jobId == null) {
            return null;
        }
        try {
            Job job = client.bigquery().getJob(jobId);
            return job == null ? null : ((QueryJobConfiguration) job.getConfiguration()).getDestinationTable();
        } catch (BigQueryException | ClassCastException e) {
            return null;
        }
    }

    /** Deletes the staged export; a failure fails the read only when nothing else did. */
    private void deleteExport(BigQuerySource.Export export, String folder, boolean mustSucceed) {
        try {
            for (Blob blob : client.storage().list(export.bucket(), Storage.BlobListOption.prefix(folder)).iterateAll()) {
                client.storage().delete(blob.getBlobId());
            }
        } catch (StorageException e) {
            if (mustSucceed) {
                throw storageError(e, "deleting the staged export gs://" + export.bucket() + "/" + folder
                        + " (delete it by hand)");
            }
        }
    }

    private SluiceException storageError(StorageException e, String action) {
        String where = "sources." + source.name() + ".export";
        String message = dev.sluice.error.Secrets.redact(String.valueOf(e.getMessage()));
        if (e.getCode() == 403 || e.getCode() == 401) {
            return SluiceException.user(where + ": permission denied (" + e.getCode() + ") while " + action + ": " + message
                    + "; grant roles/storage.objectAdmin on the bucket " + source.export().bucket() + " to the source's account", null);
        }
        if (e.getCode() == 404) {
            return SluiceException.user(where + ".bucket: the bucket '" + source.export().bucket() + "' does not exist while " + action
                    + "; check " + where + ".bucket (the name only, without gs://)", null);
        }
        return SluiceException.external(where + ": Cloud Storage failed while " + action + " (HTTP " + e.getCode() + ": " + message
                + "); run again later", null);
    }
}
