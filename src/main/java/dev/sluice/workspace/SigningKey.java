package dev.sluice.workspace;

import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * {@code sign: {key_file: PATH}}: the Ed25519 private key (PKCS#8 PEM, as
 * {@code openssl genpkey -algorithm ed25519} writes it) that signs each manifest. The key is read
 * when the workspace is; its content is a secret, never printed (this record shows only the path).
 */
public record SigningKey(Path file, PrivateKey key) {
    /** The keys of {@code sign:}. */
    public static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.text("key_file").asRequired().in("sign", 1)
                    .help("an Ed25519 private key, PKCS#8 PEM (openssl genpkey -algorithm ed25519)"));

    /** What a signature's name ends with, after the manifest's name. */
    public static final String SUFFIX = ".sig";

    /** Parses {@code sign}; null when absent or invalid (problems recorded, naming {@code sign.key_file}). */
    static SigningKey parse(Node node, Path baseDir) {
        if (node.isUnset("none: manifests are not signed") || !node.expectObject()) {
            return null;
        }
        node.allowKeys(SettingSpec.keys(SETTINGS));
        String name = node.requiredText("key_file");
        if (name == null) {
            return null;
        }
        Path file = baseDir.resolve(name).normalize();
        try {
            return new SigningKey(file, read(file));
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : "not a readable text file";
            node.problem("key_file", "cannot read " + file + " (" + why + "); give a readable file holding "
                    + "an Ed25519 private key in PEM (openssl genpkey -algorithm ed25519 -out key.pem)");
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            node.problem("key_file", file + " is not an Ed25519 private key in PKCS#8 PEM (a '-----BEGIN PRIVATE KEY-----' block, "
                    + "as openssl genpkey -algorithm ed25519 -out key.pem writes it)");
        }
        return null;
    }

    /** The key in a PKCS#8 PEM file; never puts the file's content in an exception. */
    static PrivateKey read(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("no PRIVATE KEY block");
        }
        String block = text.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end);
        // The key is a secret: masked wherever its text (or a line of it) would appear.
        block.lines().map(String::strip).filter(line -> line.length() >= 8).forEach(dev.sluice.error.Secrets::register);
        String body = block.replaceAll("\\s", "");
        dev.sluice.error.Secrets.register(body);
        byte[] der;
        try {
            der = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64");
        }
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException("not an Ed25519 key"); // the cause may quote the key's bytes
        }
    }

    /** The Ed25519 signature of {@code data}, base64. */
    public String sign(byte[] data) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(key);
            signature.update(data);
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the Ed25519 key of " + file);
        }
    }

    @Override
    public String toString() {
        return "SigningKey[" + file + "]";
    }
}
