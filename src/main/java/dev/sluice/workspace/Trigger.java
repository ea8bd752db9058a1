package dev.sluice.workspace;

import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import java.util.List;

/**
 * {@code trigger: {dbt_cloud: {job_id: N, secret: ${DBT_WEBHOOK_SECRET}}}}: what starts the
 * activation from outside, besides its schedule. {@code sluice serve} starts it when dbt Cloud
 * reports a successful run of job {@code job_id} at {@code POST /api/hooks/dbt-cloud}, signed with
 * {@code secret} (the webhook's secret in dbt Cloud). See docs/server.md#hooks.
 */
public record Trigger(DbtCloud dbtCloud) {
    /** A dbt Cloud job whose successful runs start the activation, and the secret its webhook signs with. */
    public record DbtCloud(long jobId, String secret) {
        @Override
        public String toString() {
            return "DbtCloud[jobId=" + jobId + "]"; // never the secret
        }
    }

    /** The keys of {@code trigger.dbt_cloud:}. */
    public static final List<SettingSpec> DBT_CLOUD = List.of(
            SettingSpec.integer("job_id").asRequired().in("trigger", 1).help("the dbt Cloud job whose successful runs start this activation"),
            SettingSpec.text("secret").asRequired().asSecret().in("trigger", 2)
                    .help("the secret of the dbt Cloud webhook, usually ${DBT_WEBHOOK_SECRET}; never printed"));

    /** The keys of {@code trigger:}. */
    public static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.object("dbt_cloud", DBT_CLOUD).absent("none").in("trigger", 1)
                    .help("start after a successful run of a dbt Cloud job (its webhook calls POST /api/hooks/dbt-cloud)"));

    /** Parses {@code trigger}; null when absent or invalid (problems recorded). */
    static Trigger parse(Node node) {
        if (node.isUnset("none: the schedule and manual runs only") || !node.expectObject()) {
            return null;
        }
        node.allowKeys(SettingSpec.keys(SETTINGS));
        Node dbt = node.get("dbt_cloud");
        if (dbt.isUnset("none") || !dbt.expectObject()) {
            if (dbt.isMissing()) {
                node.problem("needs dbt_cloud: {job_id: N, secret: ${DBT_WEBHOOK_SECRET}}");
            }
            return null;
        }
        dbt.allowKeys(SettingSpec.keys(DBT_CLOUD));
        int before = node.problems().size();
        if (dbt.get("job_id").isMissing()) {
            dbt.problem("job_id", "required: the dbt Cloud job's id (the number in its URL, .../jobs/N)");
        }
        Long jobId = dbt.longAtLeast("job_id", 1);
        String secret = dbt.requiredText("secret");
        if (node.problems().size() > before || jobId == null || secret == null) {
            return null;
        }
        return new Trigger(new DbtCloud(jobId, secret));
    }
}
