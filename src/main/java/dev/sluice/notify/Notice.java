package dev.sluice.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * One message to send: the event, a one-line title, the lines of a readable summary, the JSON
 * document webhooks receive, and the link to the run in the web UI (null when no public URL is
 * known). Never holds a secret: whoever builds it passes its text through {@code Secrets.redact}.
 */
public record Notice(String event, String runId, String title, List<String> lines, ObjectNode document, String link) {
    public Notice {
        Objects.requireNonNull(event, "event is null");
        Objects.requireNonNull(title, "title is null");
        lines = List.copyOf(lines);
        Objects.requireNonNull(document, "document is null");
    }

    /** This notice with the link to its run under {@code publicUrl} (the web UI's address), or none when null. */
    public Notice withPublicUrl(String publicUrl) {
        String link = publicUrl == null || runId == null ? null
                : publicUrl.replaceAll("/+$", "") + "/#/run/" + java.net.URLEncoder.encode(runId, java.nio.charset.StandardCharsets.UTF_8);
        return new Notice(event, runId, title, lines, document, link);
    }

    /** The summary as plain text: the title, the lines and the link. */
    public String text() {
        StringBuilder text = new StringBuilder(title);
        lines.forEach(line -> text.append('\n').append(line));
        if (link != null) {
            text.append('\n').append(link);
        }
        return text.toString();
    }
}
