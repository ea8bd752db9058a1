package dev.sluice.source.bigquery;

import com.google.cloud.storage.StorageException;
import dev.sluice.error.SluiceException;
import dev.sluice.source.Model;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code sluice check} on a bigquery source: the permissions the operations of a run need, each
 * missing one named with a predefined role that grants it. A dry-run job needs
 * {@code bigquery.jobs.create} on the project (the Resource Manager's testIamPermissions is not in
 * the client Sluice uses, and a dry run is the operation itself); the dry run of each model's query
 * needs read access to the tables it names ({@code bigquery.tables.getData}); the export bucket is
 * asked with Cloud Storage's {@code testIamPermissions}. Nothing is billed or written.
 */
final class BigQueryCheck {
    /** What a run does on the export bucket: writes (EXPORT DATA, as the source's account), lists, reads and deletes. */
    static final List<String> EXPORT_PERMISSIONS = List.of("storage.objects.create", "storage.objects.delete", "storage.objects.get",
            "storage.objects.list");

    private final BigQuerySource source;
    private final BigQueryClient client;
    private final BigQueryReader reader;

    BigQueryCheck(BigQuerySource source, BigQueryClient client) {
        this.source = source;
        this.client = client;
        this.reader = new BigQueryReader(source, client);
    }

    String check(List<Model> models) {
        List<String> checked = new ArrayList<>();
        reader.dryRun("SELECT 1", null, "creating a dry-run job (needs bigquery.jobs.create on project " + source.project() + ")");
        checked.add("may create jobs in project " + source.project() + " (bigquery.jobs.create)");
        for (Model model : models) {
            reader.dryRun(BigQueryReader.body(model), model.name(), "planning the query of model " + model.name()
                    + " (dry run; needs bigquery.tables.getData on the tables it reads)");
        }
        if (!models.isEmpty()) {
            checked.add("may read the tables of model" + (models.size() == 1 ? " " : "s ")
                    + String.join(", ", models.stream().map(Model::name).toList()) + " (dry runs)");
        }
        BigQuerySource.Export export = source.export();
        if (export != null) {
            List<String> held;
            try {
                held = heldOf(client.storage().testIamPermissions(export.bucket(), EXPORT_PERMISSIONS));
            } catch (StorageException e) {
                if (e.getCode() == 404) {
                    throw SluiceException.user("sources." + source.name() + ".export.bucket: the bucket '" + export.bucket()
                            + "' does not exist; check the name (the name only, without gs://)", null);
                }
                throw SluiceException.external("sources." + source.name() + ".export: Cloud Storage failed while checking the "
                        + "permissions on bucket " + export.bucket() + " (HTTP " + e.getCode() + ": "
                        + dev.sluice.error.Secrets.redact(String.valueOf(e.getMessage())) + "); run again later", null);
            }
            List<String> missing = EXPORT_PERMISSIONS.stream().filter(p -> !held.contains(p)).toList();
            if (!missing.isEmpty()) {
                throw SluiceException.user("sources." + source.name() + ".export: the source's account lacks " + String.join(", ", missing)
                        + " on bucket " + export.bucket() + " (large results leave BigQuery through it: EXPORT DATA writes there, "
                        + "Sluice reads and deletes the files); grant roles/storage.objectAdmin on the bucket " + export.bucket()
                        + " to the account of " + credentials(), null);
            }
            checked.add("may write, read and delete in the export bucket " + export.bucket() + " (" + String.join(", ",
                    EXPORT_PERMISSIONS) + ")");
        }
        return "ran dry runs: " + String.join("; ", checked);
    }

    private static List<String> heldOf(List<Boolean> answers) {
        List<String> held = new ArrayList<>();
        for (int i = 0; i < answers.size() && i < EXPORT_PERMISSIONS.size(); i++) {
            if (Boolean.TRUE.equals(answers.get(i))) {
                held.add(EXPORT_PERMISSIONS.get(i));
            }
        }
        return held;
    }

    private String credentials() {
        String where = "sources." + source.name();
        return source.credentialsFile() != null ? where + ".credentials_file"
                : source.credentialsJson() != null ? where + ".credentials_json" : "the Application Default Credentials";
    }
}
