package dev.sluice.workspace;

import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import dev.sluice.error.Secrets;
import java.util.List;

/**
 * One entry of the workspace's {@code hooks:} section: {@code POST /api/hooks/NAME}, signed with
 * {@code secret} (HMAC-SHA256 over the timestamp and the body, see docs/server.md#hooks), starts
 * {@code activations}. For Airflow, GitHub Actions, cron on another host: anything that can sign a request.
 */
public record Hook(String name, String secret, List<String> activations) {
    /** The name dbt Cloud's own hook answers at; no entry of {@code hooks:} may take it. */
    public static final String DBT_CLOUD = "dbt-cloud";

    public static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.text("secret").asRequired().asSecret().in("hook", 1)
                    .help("the key requests to POST /api/hooks/NAME are signed with, usually ${SLUICE_HOOK_SECRET}; never printed"),
            SettingSpec.of("activations", SettingSpec.Kind.TEXT_LIST).asRequired().in("hook", 2)
                    .help("the activations a signed request starts"));

    public Hook {
        activations = List.copyOf(activations);
    }

    @Override
    public String toString() {
        return "Hook[" + name + " -> " + activations + "]"; // never the secret
    }

    /** Parses one entry; null when invalid (problems recorded). The activations' names are checked by the caller. */
    static Hook parse(String name, Node node) {
        if (!node.expectObject()) {
            return null;
        }
        node.allowKeys(SettingSpec.keys(SETTINGS));
        int before = node.problems().size();
        if (name.equals(DBT_CLOUD)) {
            node.problem("the name " + DBT_CLOUD + " is dbt Cloud's own hook (trigger: {dbt_cloud: ...} on an activation); "
                    + "choose another name");
        }
        String secret = node.requiredText("secret");
        if (secret != null) {
            Secrets.register(secret);
            if (secret.length() < 16 && !secret.startsWith("${")) {
                node.problem("secret", "is too short to sign with: use at least 16 characters (e.g. openssl rand -hex 32)");
            }
        }
        List<String> activations = node.get("activations").isMissing() ? null : node.textList("activations");
        if (activations == null) {
            node.problem("activations", "required: the activations a signed request starts");
        } else if (activations.isEmpty() && node.get("activations").json().isArray()) {
            node.problem("activations", "must name at least one activation");
        }
        if (node.problems().size() > before || secret == null || activations == null) {
            return null;
        }
        return new Hook(name, secret, activations);
    }
}
