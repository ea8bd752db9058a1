package dev.sluice.notify;

import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import dev.sluice.error.Secrets;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/**
 * {@code type: email}: a plain-text message over SMTP to {@code host:port} (default 587), with
 * STARTTLS required unless {@code starttls: false}, and authentication when {@code username} is
 * given ({@code password}, a secret, usually {@code ${SMTP_PASSWORD}}).
 */
public record EmailNotifier(NotifierSettings settings, String host, int port, boolean starttls, String username, String password,
        InternetAddress from, List<InternetAddress> to) implements Notifier {
    public static final int DEFAULT_PORT = 587;
    /** The settings of an email notification, besides the common ones. */
    static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.text("host").asRequired().in("email", 1).help("the SMTP server"),
            SettingSpec.integer("port").withDefault(DEFAULT_PORT).in("email", 2).help("its port"),
            SettingSpec.bool("starttls", true).in("email", 3)
                    .help("require STARTTLS; false sends in clear text"),
            SettingSpec.text("username").absent("none: no login").in("email", 4).help("the login, usually ${SMTP_USER}"),
            SettingSpec.text("password").asSecret().in("email", 5).help("its password, usually ${SMTP_PASSWORD}; never printed"),
            SettingSpec.text("from").asRequired().in("email", 6).help("the sender's address"),
            SettingSpec.of("to", SettingSpec.Kind.TEXT_LIST).asRequired().in("email", 7).help("one address or a list"));

    public EmailNotifier {
        to = List.copyOf(to);
    }

    static EmailNotifier parse(String name, Node node, Path baseDir) {
        NotifierSettings settings = NotifierSettings.parse(name, "email", node, SETTINGS);
        String host = node.requiredText("host");
        Long port = node.longAtLeast("port", 1);
        if (port != null && port > 65535) {
            node.problem("port", "must be between 1 and 65535, got " + port);
        }
        if (host != null) {
            settings.target().check(node, "host", host, port == null ? DEFAULT_PORT : port.intValue());
        }
        boolean starttls = node.bool("starttls", true);
        String username = node.text("username", null);
        String password = node.text("password", null);
        Secrets.register(password);
        if (password != null && username == null) {
            node.problem("password", "given without username; give both to log in, or neither");
        }
        String fromText = node.requiredText("from");
        InternetAddress from = fromText == null ? null : address(node.get("from"), fromText);
        List<InternetAddress> to = new ArrayList<>();
        Node toNode = node.get("to");
        if (toNode.isMissing()) {
            node.problem("to", "required: one address or a list of them");
        } else {
            List<Node> elements = toNode.json().isValueNode() ? List.of(toNode) : toNode.elements();
            if (elements.isEmpty() && toNode.json().isArray()) {
                toNode.problem("must list at least one address");
            }
            for (Node element : elements) {
                String text = element.asText();
                if (text != null) {
                    InternetAddress address = address(element, text);
                    if (address != null) {
                        to.add(address);
                    }
                }
            }
        }
        if (host == null || from == null || to.isEmpty()) {
            return null;
        }
        return new EmailNotifier(settings, host, port == null ? DEFAULT_PORT : port.intValue(), starttls, username, password, from, to);
    }

    private static InternetAddress address(Node node, String text) {
        try {
            InternetAddress address = new InternetAddress(text.strip(), true);
            address.validate();
            return address;
        } catch (AddressException e) {
            node.problem("'" + text + "' is not a valid email address (" + e.getMessage() + ")");
            return null;
        }
    }

    @Override
    public String describe() {
        return "email to " + to.size() + (to.size() == 1 ? " address" : " addresses") + " through " + host + ":" + port;
    }

    @Override
    public void send(Notice notice, Duration timeout) throws DeliveryFailure {
        Deadline deadline = Deadline.after(timeout);
        String what = "sending through SMTP server " + host + ":" + port;
        InetAddress address = settings.target().resolve(host, port, deadline, what);
        try (SmtpSockets sockets = new SmtpSockets(address, deadline, OutgoingTarget.bare(host))) {
            send(notice, sockets, address, deadline);
        }
    }

    private void send(Notice notice, SmtpSockets sockets, InetAddress address, Deadline deadline) throws DeliveryFailure {
        String millis = String.valueOf(deadline.remainingMillis());
        Properties properties = new Properties();
        // Connect to the checked address; STARTTLS and the certificate check use the name as written.
        properties.put("mail.smtp.host", address.getHostAddress());
        properties.put("mail.smtp.port", String.valueOf(port));
        properties.put("mail.smtp.socketFactory", sockets);
        properties.put("mail.smtp.socketFactory.fallback", "false");
        // Jakarta Mail's server identity check (on by default) runs against the name the TLS socket was made for: host.
        properties.put("mail.smtp.ssl.socketFactory", sockets.tls());
        properties.put("mail.smtp.connectiontimeout", millis);
        properties.put("mail.smtp.timeout", millis);
        properties.put("mail.smtp.writetimeout", millis);
        properties.put("mail.smtp.starttls.enable", String.valueOf(starttls));
        properties.put("mail.smtp.starttls.required", String.valueOf(starttls));
        properties.put("mail.smtp.auth", String.valueOf(username != null));
        Session session = Session.getInstance(properties);
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(from);
            message.setRecipients(Message.RecipientType.TO, to.toArray(new InternetAddress[0]));
            message.setSubject("[sluice] " + notice.title(), "UTF-8");
            message.setText(notice.text() + "\n", "UTF-8");
            message.setSentDate(new Date());
            if (username != null) {
                Transport.send(message, username, password == null ? "" : password);
            } else {
                Transport.send(message);
            }
        } catch (AuthenticationFailedException e) {
            throw new DeliveryFailure("SMTP server " + host + ":" + port + " refused the login of " + username
                    + " (check username and password)", false, e);
        } catch (SendFailedException e) {
            throw new DeliveryFailure("SMTP server " + host + ":" + port + " refused the message: " + e.getMessage(), false, e);
        } catch (MessagingException e) {
            if (deadline.passed()) {
                throw new DeliveryFailure("sending through SMTP server " + host + ":" + port + " timed out after " + deadline.lengthText()
                        + " (the whole exchange must end within the timeout)", true, e);
            }
            throw new DeliveryFailure("sending through SMTP server " + host + ":" + port + " failed: " + describe(e), causedByIo(e), e);
        }
    }

    private static String describe(MessagingException e) {
        String text = e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && (text == null || !text.contains(cause.getMessage()))) {
            text = (text == null ? "" : text + ": ") + cause.getClass().getSimpleName() + " (" + cause.getMessage() + ")";
        }
        return text == null ? e.getClass().getSimpleName() : text.strip();
    }

    /** A refused or dropped connection or a timeout may pass; a protocol refusal (no STARTTLS) does not. */
    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "EmailNotifier[" + settings.name() + ", " + describe() + "]";
    }
}
