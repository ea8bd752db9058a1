package dev.sluice.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.JsonText;
import dev.sluice.error.Secrets;
import dev.sluice.history.Verification;
import dev.sluice.notify.Notice;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.NotifyEvent;
import dev.sluice.workspace.Activation;
import dev.sluice.workspace.Workspace;
import java.util.ArrayList;
import java.util.List;

/**
 * What a verification that found differences tells the activation's notifications that listen for
 * {@code verify_failed}: one {@link Outgoing} per entry, handed to {@link Deliveries} like a run's.
 * A verification that found nothing notifies nobody.
 */
public final class VerifyNotifications {
    /** The findings a message lists one by one; the rest are counted. */
    static final int LISTED = 20;

    private VerifyNotifications() {}

    /** The notifications of {@code verification}; {@code publicUrl} as for runs (may be null). */
    public static List<Outgoing> after(Workspace workspace, Verification verification, String publicUrl) {
        Activation activation = workspace.activations().get(verification.activation());
        if (verification.ok() || activation == null) {
            return List.of();
        }
        List<Outgoing> outgoing = new ArrayList<>();
        for (Notifier notifier : workspace.notificationsOf(activation)) {
            if (notifier.settings().wants(NotifyEvent.VERIFY_FAILED)) {
                outgoing.add(new Outgoing(activation.name(), verification.id(), notifier, notice(verification)
                        .withPublicUrl(notifier.settings().publicUrl() != null ? notifier.settings().publicUrl() : publicUrl)));
            }
        }
        return outgoing;
    }

    static Notice notice(Verification verification) {
        List<Verification.Finding> findings = verification.findings();
        String title = verification.activation() + ": verification found " + findings.size()
                + (findings.size() == 1 ? " difference" : " differences") + " on " + verification.destination();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(java.util.Locale.ROOT, "%d missing · %d changed · %d unpublished, of %d objects published (%s trigger)",
                verification.count(Verification.Finding.MISSING), verification.count(Verification.Finding.CHANGED),
                verification.count(Verification.Finding.UNPUBLISHED), verification.checked(), verification.trigger()));
        for (Verification.Finding finding : findings.subList(0, Math.min(LISTED, findings.size()))) {
            lines.add(finding.kind() + ": " + finding.object());
        }
        if (findings.size() > LISTED) {
            lines.add("… and " + (findings.size() - LISTED) + " more (sluice verify " + verification.activation() + ")");
        }
        lines.replaceAll(Secrets::redact);
        ObjectNode document = JsonText.MAPPER.createObjectNode();
        document.put("event", NotifyEvent.VERIFY_FAILED.json());
        document.put("activation", verification.activation());
        document.put("destination", verification.destination());
        try {
            document.set("verification", JsonText.MAPPER.readTree(Secrets.redact(JsonText.MAPPER.writeValueAsString(verification))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write verification " + verification.id() + " as JSON", e);
        }
        // No link: a verification has no page of its own in the web UI.
        return new Notice(NotifyEvent.VERIFY_FAILED.json(), null, Secrets.redact(title), lines, document, null);
    }
}
