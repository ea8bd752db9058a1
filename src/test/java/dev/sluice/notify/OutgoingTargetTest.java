package dev.sluice.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import jakarta.mail.internet.InternetAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Where notifications may connect, checked on real deliveries: a real HTTP receiver and real
 * slow servers on the loopback, host names looked up through an injected resolver (no outside
 * network, no hosts file).
 */
class OutgoingTargetTest {
    private static final Notice NOTICE = new Notice("test", "run-1", "people: run run-1 test", List.of("read 2"),
            JsonNodeFactory.instance.objectNode().put("event", "test"), null);

    /** Resolves the names of {@code names}, everything else as the system does (literal addresses). */
    private static OutgoingTarget.Resolver resolver(Map<String, List<String>> names, AtomicInteger lookups) {
        return host -> {
            lookups.incrementAndGet();
            List<String> addresses = names.get(host);
            if (addresses == null) {
                throw new UnknownHostException(host);
            }
            List<InetAddress> result = new java.util.ArrayList<>();
            for (String address : addresses) {
                result.add(InetAddress.getByName(address));
            }
            return result;
        };
    }

    private static NotifierSettings settings(String type, Duration timeout, boolean allowPrivate, OutgoingTarget.Resolver resolver) {
        return new NotifierSettings("ops", type, EnumSet.allOf(NotifyEvent.class), timeout, null, new OutgoingTarget(allowPrivate, resolver));
    }

    private static WebhookNotifier webhook(String url, boolean allowPrivate, OutgoingTarget.Resolver resolver) {
        return new WebhookNotifier(settings("webhook", Duration.ofSeconds(3), allowPrivate, resolver), URI.create(url), null, Clock.systemUTC());
    }

    private static int port(HookServer hooks) {
        return URI.create(hooks.url("/")).getPort();
    }

    @Test
    void addressesThatAreNeverReachedAndThoseThatArePrivate() throws Exception {
        OutgoingTarget open = new OutgoingTarget(true, OutgoingTarget.Resolver.SYSTEM);
        OutgoingTarget closed = new OutgoingTarget(false, OutgoingTarget.Resolver.SYSTEM);
        for (String never : List.of("169.254.169.254", "169.254.0.1", "169.254.170.2", "100.100.100.200", "fe80::1", "fd00:ec2::254",
                "0.0.0.0", "0.1.2.3", "::", "224.0.0.1", "ff02::1", "255.255.255.255", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1",
                "::ffff:169.254.169.254")) {
            assertThat(open.refusal(InetAddress.getByName(never), 80)).as(never).isNotNull();
            assertThat(open.refusal(never, 80)).as(never + " as written").isNotNull();
        }
        for (String local : List.of("127.0.0.1", "127.8.9.10", "::1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "fd12::1",
                "100.64.0.1")) {
            assertThat(open.refusal(InetAddress.getByName(local), 80)).as(local).isNull();
            assertThat(closed.refusal(InetAddress.getByName(local), 80)).as(local + " without private targets")
                    .contains("private or loopback");
        }
        for (String outside : List.of("93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111")) {
            assertThat(closed.refusal(InetAddress.getByName(outside), 443)).as(outside).isNull();
        }
        assertThat(open.refusal("Metadata.Google.Internal.", 80)).contains("cloud metadata service");
        assertThat(open.refusal("metadata", 80)).contains("cloud metadata service");
        assertThat(open.refusal("[fd00:ec2::254]", 80)).contains("cloud metadata address");
        assertThat(open.refusal("hooks.example.com", 443)).as("a name is judged by its addresses, at delivery").isNull();
    }

    @Test
    void aNameThatResolvesToLinkLocalIsRefusedAtDelivery() throws Exception {
        try (HookServer hooks = new HookServer()) {
            AtomicInteger lookups = new AtomicInteger();
            OutgoingTarget.Resolver resolver = resolver(Map.of("hooks.test", List.of("169.254.169.254"),
                    "mixed.test", List.of("127.0.0.1", "169.254.10.1")), lookups);

            Delivery metadata = Deliverer.system().deliver(webhook("http://hooks.test:" + port(hooks) + "/hook", true, resolver), NOTICE);
            Delivery mixed = Deliverer.system().deliver(webhook("http://mixed.test:" + port(hooks) + "/hook", true, resolver), NOTICE);

            assertThat(metadata.delivered()).isFalse();
            assertThat(metadata.attempts()).as("a refusal is final").isEqualTo(1);
            assertThat(metadata.error()).isEqualTo("POST to hooks.test refused: 169.254.169.254 is a cloud metadata address "
                    + "(an address of hooks.test)");
            assertThat(mixed.delivered()).as("every address of the name is checked").isFalse();
            assertThat(mixed.error()).contains("169.254.10.1 is a link-local address");
            assertThat(hooks.received()).isEmpty();
        }
    }

    @Test
    void aNameThatResolvesToALocalReceiverIsLookedUpOnceAndDelivered() throws Exception {
        try (HookServer hooks = new HookServer()) {
            AtomicInteger lookups = new AtomicInteger();
            OutgoingTarget.Resolver resolver = resolver(Map.of("receiver.test", List.of("127.0.0.1")), lookups);

            Delivery delivery = Deliverer.system().deliver(webhook("http://receiver.test:" + port(hooks) + "/hook?x=1", true, resolver),
                    NOTICE);

            assertThat(delivery.delivered()).as(String.valueOf(delivery.error())).isTrue();
            assertThat(lookups.get()).as("one lookup: the connection goes to the address that was checked").isEqualTo(1);
            HookServer.Received received = hooks.received("/hook").get(0);
            assertThat(received.headers().get("host")).isEqualTo("receiver.test:" + port(hooks));
            assertThat(received.headers().get("content-type")).isEqualTo("application/json");
            assertThat(received.text()).contains("\"event\":\"test\"");
        }
    }

    @Test
    void privateTargetsCanBeRefused() throws Exception {
        try (HookServer hooks = new HookServer()) {
            OutgoingTarget.Resolver resolver = resolver(Map.of("receiver.test", List.of("127.0.0.1")), new AtomicInteger());

            Delivery byName = Deliverer.system().deliver(webhook("http://receiver.test:" + port(hooks) + "/hook", false, resolver), NOTICE);
            Delivery byAddress = Deliverer.system().deliver(webhook(hooks.url("/hook"), false, OutgoingTarget.Resolver.SYSTEM), NOTICE);

            assertThat(byName.delivered()).isFalse();
            assertThat(byName.error()).contains("127.0.0.1 is a private or loopback address (allow_private_targets: false)");
            assertThat(byAddress.delivered()).isFalse();
            assertThat(hooks.received()).isEmpty();
        }
    }

    @Test
    void theServersOwnAddressIsRefused() throws Exception {
        try (HookServer hooks = new HookServer()) {
            InetSocketAddress own = OwnEndpoints.add("127.0.0.1", port(hooks));
            try {
                Delivery delivery = Deliverer.system().deliver(webhook("http://localhost:" + port(hooks) + "/api/activations/x/runs", true,
                        OutgoingTarget.Resolver.SYSTEM), NOTICE);
                assertThat(delivery.delivered()).isFalse();
                assertThat(delivery.error()).contains(":" + port(hooks) + " is where this Sluice server listens");
            } finally {
                OwnEndpoints.remove(own);
            }
            assertThat(hooks.received()).isEmpty();
            assertThat(Deliverer.system().deliver(webhook(hooks.url("/hook"), true, OutgoingTarget.Resolver.SYSTEM), NOTICE).delivered())
                    .as("once the server has stopped, its port is an ordinary one").isTrue();
        }
    }

    @Test
    void aReceiverThatTricklesItsAnswerIsCutAtTheTimeout() throws Exception {
        try (Trickler trickler = Trickler.http()) {
            WebhookNotifier notifier = new WebhookNotifier(settings("webhook", Duration.ofSeconds(2), true, OutgoingTarget.Resolver.SYSTEM),
                    URI.create(trickler.url("/hook")), null, Clock.systemUTC());
            long start = System.nanoTime();

            // Without a deadline on the whole answer this takes the trickler's 10 minutes.
            Delivery delivery = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Deliverer.system().deliver(notifier, NOTICE));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
            assertThat(delivery.delivered()).isFalse();
            assertThat(delivery.error()).contains("POST to 127.0.0.1 timed out after 2s", "gave up");
            assertThat(trickler.awaitConnection()).isTrue();
        }
    }

    @Test
    void aStalledSmtpServerIsCutAtTheTimeout() throws Exception {
        try (Trickler trickler = Trickler.smtp()) {
            OutgoingTarget.Resolver resolver = resolver(Map.of("smtp.test", List.of("127.0.0.1")), new AtomicInteger());
            EmailNotifier notifier = new EmailNotifier(settings("email", Duration.ofSeconds(2), true, resolver), "smtp.test", trickler.port(),
                    false, null, null, new InternetAddress("sluice@example.com"), List.of(new InternetAddress("ops@example.com")));
            long start = System.nanoTime();

            Delivery delivery = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Deliverer.system().deliver(notifier, NOTICE));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
            assertThat(delivery.delivered()).isFalse();
            assertThat(delivery.error()).contains("SMTP server smtp.test:" + trickler.port() + " timed out after 2s");
            assertThat(trickler.awaitConnection()).as("connected to the address smtp.test resolved to").isTrue();
        }
    }

    @Test
    void httpsSendsTheUrlsHostAsTheServerNameAndChecksTheCertificate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // A self-signed certificate for hooks.test: not in the trust store, so the handshake must fail.
        java.nio.file.Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "RSA", "-keysize", "2048", "-alias", "hooks", "-dname", "CN=hooks.test", "-ext", "SAN=dns:hooks.test",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(keystore)) {
            keys.load(in, "changeit".toCharArray());
        }
        javax.net.ssl.KeyManagerFactory managers = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, "changeit".toCharArray());
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        List<String> serverNames = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            javax.net.ssl.SSLParameters parameters = server.getSSLParameters();
            parameters.setSNIMatchers(List.of(new javax.net.ssl.SNIMatcher(javax.net.ssl.StandardConstants.SNI_HOST_NAME) {
                @Override
                public boolean matches(javax.net.ssl.SNIServerName name) {
                    serverNames.add(((javax.net.ssl.SNIHostName) name).getAsciiName());
                    return true;
                }
            }));
            server.setSSLParameters(parameters);
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (javax.net.ssl.SSLSocket client = (javax.net.ssl.SSLSocket) server.accept()) {
                        client.startHandshake();
                    } catch (java.io.IOException e) {
                        // the client refuses the certificate
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            AtomicInteger lookups = new AtomicInteger();
            WebhookNotifier notifier = new WebhookNotifier(settings("webhook", Duration.ofSeconds(2), true,
                    resolver(Map.of("hooks.test", List.of("127.0.0.1")), lookups)), URI.create("https://hooks.test:" + server.getLocalPort() + "/hook"),
                    null, Clock.systemUTC());

            Delivery delivery = Deliverer.system().deliver(notifier, NOTICE);

            assertThat(delivery.delivered()).isFalse();
            assertThat(delivery.error()).contains("POST to hooks.test failed: SSLHandshakeException");
            assertThat(serverNames).as("the TLS server name is the URL's host, not the address").isNotEmpty().allMatch("hooks.test"::equals);
        }
    }
}
