package dev.sluice.cli;

import dev.sluice.notify.Deliverer;
import dev.sluice.notify.Delivery;
import dev.sluice.notify.Notice;
import dev.sluice.notify.Notifier;
import dev.sluice.workspace.Workspace;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sluice notify test NAME}: sends a test message through one of the workspace's notifications. */
@Command(name = "notify", mixinStandardHelpOptions = true, description = "Works with the workspace's notifications.",
        synopsisSubcommandLabel = "COMMAND")
public final class NotifyCommand extends WorkspaceCommand implements Runnable {

    @Override
    public void run() {
        spec.commandLine().usage(out());
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Sends a test message through a notification and says whether it was delivered.",
                    "The message goes with the notification's own retries and timeout."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:delivered", "1:not delivered (the reason is printed)", "2:no such notification, or an invalid workspace"})
    int test(@Parameters(paramLabel = "NAME", description = "The notification, as named under notifications:.") String name) {
        Workspace workspace = loadWorkspace();
        workspace.requireSet("send through notification " + name, List.of("notifications." + name));
        Notifier notifier = workspace.notification(name);
        Instant now = Instant.now();
        var document = dev.sluice.config.JsonText.MAPPER.createObjectNode();
        document.put("event", "test");
        document.put("notification", name);
        document.put("sent_at", now.toString());
        Notice notice = new Notice("test", null, "test message from Sluice (notification " + name + ")",
                List.of("Notification " + name + " of " + workspace.file().getFileName() + " works: this message reached you."),
                document, null);
        Delivery delivery = Deliverer.system().deliver(notifier, notice);
        if (delivery.delivered()) {
            out().println(Terminal.green("ok: ") + "notification " + name + " (" + notifier.describe() + ") delivered a test message"
                    + (delivery.attempts() > 1 ? " after " + delivery.attempts() + " attempts" : ""));
            out().flush();
            return 0;
        }
        err().println(Terminal.red("error: ") + dev.sluice.error.Secrets.redact("notification " + name + " (" + notifier.describe()
                + ") could not deliver a test message after " + delivery.attempts() + (delivery.attempts() == 1 ? " attempt: " : " attempts: ")
                + delivery.error()));
        err().flush();
        return 1;
    }
}
