package dev.sluice.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.error.ErrorKind;
import dev.sluice.error.SluiceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link Destination} contract, run unchanged on every implementation: uploads read back
 * byte-for-byte, staged publishing with and without overwrite, exists, list (exact names, name
 * order, plain string prefixes), delete and deleteAll, names with spaces, unicode and URL-significant
 * characters, empty files, files around the upload chunk size, and check leaving nothing behind.
 *
 * <p>What the destination stored is always verified through {@link #read} and {@link #names},
 * which must not go through the destination under test (the file system for {@code local}, a
 * second client for {@code gcs}), so a destination cannot pass by agreeing with itself.
 */
abstract class DestinationContract {
    /** The upload chunk: implementations that upload in chunks are configured with this size. */
    static final int CHUNK = 256 * 1024;
    static final String CSV = "text/csv";

    @TempDir
    Path dir;

    Destination destination;
    private final AtomicInteger files = new AtomicInteger();

    /** Opens the implementation under test; {@code dir} is an empty folder it may keep its objects (or its server's) in. */
    abstract Destination open(Path dir) throws Exception;

    /** The bytes of the object {@code objectName}, read without the destination under test; empty when there is none. */
    abstract Optional<byte[]> read(String objectName) throws Exception;

    /**
     * The names of everything the destination holds, in name order, listed without the destination
     * under test (for {@code local}, every file under the folder, temporary files included).
     */
    abstract List<String> names() throws Exception;

    /** Writes {@code content} as {@code objectName} the way another writer of the destination would, without the destination under test. */
    abstract void writeForeign(String objectName, byte[] content) throws Exception;

    /** Releases what {@link #open} started, after the destination is closed. */
    void stop() throws Exception {}

    @BeforeEach
    void openDestination() throws Exception {
        Files.createDirectories(dir.resolve("files"));
        destination = open(dir.resolve("destination"));
    }

    @AfterEach
    void closeDestination() throws Exception {
        try {
            if (destination != null) {
                destination.close();
            }
        } finally {
            stop();
        }
    }

    // ------------------------------------------------------------------ helpers

    static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** A fresh local file holding {@code content}. */
    Path file(byte[] content) throws IOException {
        Path file = dir.resolve("files").resolve("file-" + files.incrementAndGet() + ".bin");
        Files.write(file, content);
        return file;
    }

    /** Uploads {@code content} as {@code objectName}, as a run's upload stage does; returns the local file. */
    Path upload(byte[] content, String objectName, String run) throws IOException {
        Path file = file(content);
        destination.upload(file, objectName, CSV, Map.of("sluice-activation", "contract", "sluice-run", run, "sluice-rows", "1"));
        return file;
    }

    Path upload(byte[] content, String objectName) throws IOException {
        return upload(content, objectName, "r1");
    }

    byte[] stored(String objectName) throws Exception {
        Optional<byte[]> bytes = read(objectName);
        assertThat(bytes).as("object %s", objectName).isPresent();
        return bytes.get();
    }

    // ------------------------------------------------------------------ upload

    @Test
    void anUploadReadsBackByteForByte() throws Exception {
        byte[] content = bytes(10_000, 1);
        Path file = upload(content, "out/a.csv");

        assertThat(stored("out/a.csv")).isEqualTo(content);
        assertThat(names()).as("the object and nothing else (no temporary file)").containsExactly("out/a.csv");
        assertThat(file).as("the local file is left in place").exists();
        assertThat(Files.readAllBytes(file)).isEqualTo(content);
    }

    @Test
    void anUploadReplacesAnObjectOfTheSameName() throws Exception {
        upload(bytes(5_000, 1), "out/a.csv", "r1");
        byte[] second = bytes(300, 2);
        upload(second, "out/a.csv", "r2");

        assertThat(stored("out/a.csv")).isEqualTo(second);
        assertThat(names()).containsExactly("out/a.csv");
    }

    @Test
    void anEmptyFileUploadsAndReadsBackAsZeroBytes() throws Exception {
        upload(new byte[0], "out/.sluice-staging/r1/empty.csv");
        assertThat(stored("out/.sluice-staging/r1/empty.csv")).isEmpty();
        assertThat(destination.exists("out/.sluice-staging/r1/empty.csv")).isTrue();

        destination.publish("out/.sluice-staging/r1/empty.csv", "out/empty.csv", false);

        assertThat(stored("out/empty.csv")).isEmpty();
        assertThat(destination.list("out/")).containsExactly("out/empty.csv");
        assertThat(names()).containsExactly("out/empty.csv");
    }

    @Test
    void aFileOfExactlyOneChunkReadsBackByteForByte() throws Exception {
        byte[] content = bytes(CHUNK, 3);
        upload(content, "out/chunk.bin");
        assertThat(stored("out/chunk.bin")).hasSize(CHUNK).isEqualTo(content);
        assertThat(names()).containsExactly("out/chunk.bin");
    }

    @Test
    void aFileOfOneByteOverAChunkReadsBackByteForByte() throws Exception {
        byte[] content = bytes(CHUNK + 1, 4);
        upload(content, "out/.sluice-staging/r1/chunk.bin");
        assertThat(stored("out/.sluice-staging/r1/chunk.bin")).hasSize(CHUNK + 1).isEqualTo(content);

        destination.publish("out/.sluice-staging/r1/chunk.bin", "out/chunk.bin", false);

        assertThat(stored("out/chunk.bin")).isEqualTo(content);
        assertThat(names()).containsExactly("out/chunk.bin");
    }

    @Test
    void aLocalFileThatCannotBeReadIsNotBlamedOnTheDestination() throws Exception {
        Path missing = dir.resolve("files").resolve("missing.csv");

        assertThatThrownBy(() -> destination.upload(missing, "out/a.csv", CSV, Map.of()))
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
                .hasMessageContaining("cannot read the local file " + missing);

        assertThat(names()).isEmpty();
    }

    // ------------------------------------------------------------------ publish

    @Test
    void aStagedPublishMovesTheObjectToItsFinalName() throws Exception {
        byte[] content = bytes(2_000, 5);
        upload(content, "out/.sluice-staging/r1/a.csv");

        destination.publish("out/.sluice-staging/r1/a.csv", "out/a.csv", false);

        assertThat(stored("out/a.csv")).isEqualTo(content);
        assertThat(read("out/.sluice-staging/r1/a.csv")).as("the staged name is gone").isEmpty();
        assertThat(destination.exists("out/.sluice-staging/r1/a.csv")).isFalse();
        assertThat(names()).containsExactly("out/a.csv");
        assertThat(destination.list("out/")).containsExactly("out/a.csv");
    }

    @Test
    void aPublishIntoAFolderWithNoObjectYetWorks() throws Exception {
        byte[] content = bytes(100, 6);
        upload(content, ".sluice-staging/r1/a.csv");

        destination.publish(".sluice-staging/r1/a.csv", "reports/2025/06/a.csv", false);

        assertThat(stored("reports/2025/06/a.csv")).isEqualTo(content);
        assertThat(names()).containsExactly("reports/2025/06/a.csv");
    }

    @Test
    void aPublishWithoutOverwriteOntoAnExistingObjectIsRefusedAndTouchesNothing() throws Exception {
        byte[] existing = bytes(1_000, 7);
        upload(existing, "out/a.csv", "r1");
        byte[] staged = bytes(10, 8);
        upload(staged, "out/.sluice-staging/r2/a.csv", "r2");

        assertThatThrownBy(() -> destination.publish("out/.sluice-staging/r2/a.csv", "out/a.csv", false))
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USER))
                .hasMessageContaining("destinations." + destination.name() + ": out/a.csv already exists")
                .hasMessageContaining("overwrite: false");

        assertThat(stored("out/a.csv")).as("the existing object is untouched").isEqualTo(existing);
        assertThat(stored("out/.sluice-staging/r2/a.csv")).as("the staged object is untouched").isEqualTo(staged);
        assertThat(names()).containsExactly("out/.sluice-staging/r2/a.csv", "out/a.csv");
    }

    @Test
    void aPublishWithOverwriteReplacesAnExistingObject() throws Exception {
        upload(bytes(1_000, 9), "out/a.csv", "r1");
        byte[] staged = bytes(10, 10);
        upload(staged, "out/.sluice-staging/r2/a.csv", "r2");

        destination.publish("out/.sluice-staging/r2/a.csv", "out/a.csv", true);

        assertThat(stored("out/a.csv")).isEqualTo(staged);
        assertThat(read("out/.sluice-staging/r2/a.csv")).isEmpty();
        assertThat(names()).containsExactly("out/a.csv");
    }

    @Test
    void publishingAStagedObjectThatIsMissingFailsAndCreatesNothing() throws Exception {
        assertThatThrownBy(() -> destination.publish("out/.sluice-staging/r1/gone.csv", "out/gone.csv", false))
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.EXTERNAL))
                .hasMessageContaining("destinations." + destination.name());

        assertThat(read("out/gone.csv")).isEmpty();
        assertThat(names()).isEmpty();
    }

    // ------------------------------------------------------------------ exists, list

    @Test
    void existsIsTrueForAnObjectOnly() throws Exception {
        upload(bytes(10, 11), "out/sub/a.csv");

        assertThat(destination.exists("out/sub/a.csv")).isTrue();
        assertThat(destination.exists("out/sub/b.csv")).as("a missing object").isFalse();
        assertThat(destination.exists("nowhere/b.csv")).as("a missing object in a missing folder").isFalse();
        assertThat(destination.exists("out/sub")).as("a folder is not an object").isFalse();
        assertThat(destination.exists("out/sub/")).as("a folder is not an object").isFalse();
        assertThat(destination.exists("out/sub/a")).as("a prefix of a name is not an object").isFalse();

        destination.delete("out/sub/a.csv");
        assertThat(destination.exists("out/sub/a.csv")).isFalse();
    }

    @Test
    void listReturnsExactlyTheNamesUnderAFolderInNameOrder() throws Exception {
        for (String name : List.of("a/b/2.csv", "top.csv", "a/bc/1.csv", "a/b/10.csv", "b/1.csv", "a/b/sub/x.csv", "a/b.csv",
                "a/b/1.csv")) {
            upload(bytes(10, name.hashCode()), name);
        }

        assertThat(destination.list("a/b/")).containsExactly("a/b/1.csv", "a/b/10.csv", "a/b/2.csv", "a/b/sub/x.csv");
        assertThat(destination.list("a/bc/")).containsExactly("a/bc/1.csv");
        assertThat(destination.list("a/b/sub/")).containsExactly("a/b/sub/x.csv");
        assertThat(destination.list("c/")).isEmpty();
        assertThat(destination.list("")).containsExactly("a/b.csv", "a/b/1.csv", "a/b/10.csv", "a/b/2.csv", "a/b/sub/x.csv",
                "a/bc/1.csv", "b/1.csv", "top.csv");
        assertThat(destination.list("")).isEqualTo(names());
    }

    @Test
    void aListPrefixIsAPlainStringPrefixNotAFolder() throws Exception {
        for (String name : List.of("a/b/1.csv", "a/b/10.csv", "a/b.csv", "a/bc/1.csv", "a/c.csv")) {
            upload(bytes(10, name.hashCode()), name);
        }

        assertThat(destination.list("a/b")).containsExactly("a/b.csv", "a/b/1.csv", "a/b/10.csv", "a/bc/1.csv");
        assertThat(destination.list("a/b/1")).containsExactly("a/b/1.csv", "a/b/10.csv");
        assertThat(destination.list("a/b/1.csv")).containsExactly("a/b/1.csv");
    }

    // ------------------------------------------------------------------ delete, deleteAll

    @Test
    void deleteRemovesAnObjectAndAMissingOneIsNotAnError() throws Exception {
        upload(bytes(10, 12), "out/a.csv");
        byte[] other = bytes(20, 13);
        upload(other, "out/b.csv");

        destination.delete("out/a.csv");

        assertThat(read("out/a.csv")).isEmpty();
        assertThat(stored("out/b.csv")).isEqualTo(other);
        assertThatCode(() -> destination.delete("out/a.csv")).as("deleted again").doesNotThrowAnyException();
        assertThatCode(() -> destination.delete("out/never.csv")).as("never existed").doesNotThrowAnyException();
        assertThatCode(() -> destination.delete("nowhere/never.csv")).as("in a missing folder").doesNotThrowAnyException();
        assertThat(names()).containsExactly("out/b.csv");
    }

    /** CRC32C of bytes, base64 of its four big-endian bytes, computed here with the JDK. */
    static String crc32c(byte[] content) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(content);
        long v = crc.getValue();
        return java.util.Base64.getEncoder().encodeToString(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    @Test
    void deleteIfUnchangedWithAVersionDeletesOnlyThatVersion() throws Exception {
        byte[] content = bytes(100, 31);
        upload(content, "out/.sluice-staging/r1/a.csv");
        String published = destination.publish("out/.sluice-staging/r1/a.csv", "out/a.csv", false);
        Path local = file(content);
        String direct = destination.upload(local, "out/b.csv", CSV, Map.of("sluice-activation", "contract", "sluice-run", "r1", "sluice-rows", "1"));
        assertThat(published).as("version of a published object").isNotNull();
        assertThat(direct).as("version of an object uploaded to its final name").isNotNull();
        // Written again by someone else, byte for byte the same (later than the clock's tick: a file's modification time).
        Thread.sleep(20);
        writeForeign("out/a.csv", content);
        assertThat(destination.deleteIfUnchanged("out/a.csv", published, crc32c(content), content.length)).as("written again")
                .isEqualTo(Destination.Removal.CHANGED);
        assertThat(destination.deleteIfUnchanged("out/b.csv", direct, crc32c(content), content.length)).isEqualTo(Destination.Removal.DELETED);
        assertThat(destination.deleteIfUnchanged("out/b.csv", direct, crc32c(content), content.length)).isEqualTo(Destination.Removal.MISSING);
        assertThat(stored("out/a.csv")).isEqualTo(content);
        assertThat(names()).containsExactly("out/a.csv");
    }

    @Test
    void statTellsTheVersionSizeAndCrc32cAndChangesNothing() throws Exception {
        byte[] content = bytes(1000, 41);
        upload(content, "out/.sluice-staging/r1/a.csv");
        String published = destination.publish("out/.sluice-staging/r1/a.csv", "out/a.csv", false);
        byte[] empty = new byte[0];
        upload(empty, "out/empty.csv");

        Optional<Destination.ObjectInfo> info = destination.stat("out/a.csv");
        assertThat(info).as("a published object").isPresent();
        assertThat(info.get().version()).as("the version publish returned").isEqualTo(published);
        assertThat(info.get().bytes()).isEqualTo(content.length);
        assertThat(info.get().crc32c()).isEqualTo(crc32c(content));
        assertThat(destination.stat("out/empty.csv")).get().satisfies(e -> {
            assertThat(e.bytes()).isZero();
            assertThat(e.crc32c()).isEqualTo(crc32c(empty));
        });
        assertThat(destination.stat("out/missing.csv")).as("no such object").isEmpty();
        assertThat(destination.stat("nowhere/x.csv")).as("in a missing folder").isEmpty();
        assertThat(destination.stat("out")).as("a folder is not an object").isEmpty();

        // Written again by someone else with the same bytes: a new version, the same size and CRC32C.
        Thread.sleep(20);
        writeForeign("out/a.csv", content);
        Destination.ObjectInfo again = destination.stat("out/a.csv").orElseThrow();
        assertThat(again.version()).as("version after a foreign write").isNotEqualTo(published);
        assertThat(again.bytes()).isEqualTo(content.length);
        assertThat(again.crc32c()).isEqualTo(crc32c(content));
        assertThat(names()).containsExactly("out/a.csv", "out/empty.csv");
        assertThat(stored("out/a.csv")).isEqualTo(content);
    }

    @Test
    void deleteIfUnchangedDeletesOnlyTheObjectAsRecorded() throws Exception {
        byte[] kept = bytes(100, 21);
        upload(kept, "out/a.csv");
        byte[] replaced = bytes(100, 22);
        upload(replaced, "out/b.csv");
        byte[] c = bytes(100, 23);
        upload(c, "out/c.csv");

        assertThat(destination.deleteIfUnchanged("out/a.csv", null, crc32c(kept), kept.length + 1)).as("other size")
                .isEqualTo(Destination.Removal.CHANGED);
        assertThat(destination.deleteIfUnchanged("out/b.csv", null, crc32c(bytes(100, 99)), 100)).as("other content")
                .isEqualTo(Destination.Removal.CHANGED);
        assertThat(destination.deleteIfUnchanged("out/c.csv", null, crc32c(c), c.length)).isEqualTo(Destination.Removal.DELETED);
        assertThat(destination.deleteIfUnchanged("out/c.csv", null, crc32c(c), c.length)).isEqualTo(Destination.Removal.MISSING);
        assertThat(destination.deleteIfUnchanged("nowhere/x.csv", null, crc32c(c), c.length)).isEqualTo(Destination.Removal.MISSING);
        assertThat(stored("out/a.csv")).isEqualTo(kept);
        assertThat(stored("out/b.csv")).isEqualTo(replaced);
        assertThat(names()).containsExactly("out/a.csv", "out/b.csv");
    }

    @Test
    void deleteAllRemovesAStagingPrefixAndCountsWhatItDeleted() throws Exception {
        for (String name : List.of("out/.sluice-staging/r1/a.csv", "out/.sluice-staging/r1/b.csv", "out/.sluice-staging/r1/sub/c.csv",
                "out/.sluice-staging/r10/a.csv", "out/.sluice-staging/r2/a.csv", "out/a.csv", "other/.sluice-staging/r1/a.csv")) {
            upload(bytes(10, name.hashCode()), name);
        }

        assertThat(destination.deleteAll("out/.sluice-staging/r1/")).isEqualTo(3);

        assertThat(names()).containsExactly("other/.sluice-staging/r1/a.csv", "out/.sluice-staging/r10/a.csv",
                "out/.sluice-staging/r2/a.csv", "out/a.csv");
        assertThat(destination.list("out/.sluice-staging/r1/")).isEmpty();
        assertThat(destination.deleteAll("out/.sluice-staging/r1/")).as("nothing left").isZero();
        assertThat(destination.deleteAll("nowhere/.sluice-staging/r1/")).as("a missing prefix").isZero();
        assertThat(names()).hasSize(4);
    }

    // ------------------------------------------------------------------ names

    @Test
    void namesWithSpacesAndUnicodeRoundTrip() throws Exception {
        String staged = "dossier é/.sluice-staging/r 1/fichier ü 1.csv";
        String published = "dossier é/fichier ü 1.csv";
        String japanese = "日本/データ.json";
        byte[] first = bytes(500, 14);
        byte[] second = bytes(700, 15);
        upload(first, staged);
        upload(second, japanese);

        assertThat(destination.list("dossier é/")).containsExactly(staged);
        destination.publish(staged, published, false);

        assertThat(stored(published)).isEqualTo(first);
        assertThat(stored(japanese)).isEqualTo(second);
        assertThat(read(staged)).isEmpty();
        assertThat(destination.exists(published)).isTrue();
        assertThat(destination.exists(japanese)).isTrue();
        assertThat(destination.list("dossier é/")).containsExactly(published);
        assertThat(destination.list("日本/")).containsExactly(japanese);
        assertThat(destination.list("")).containsExactly(published, japanese);
        assertThat(names()).containsExactly(published, japanese);

        destination.delete(published);
        destination.delete(japanese);
        assertThat(names()).isEmpty();
        assertThat(destination.list("")).isEmpty();
    }

    @Test
    void namesWithUrlSignificantCharactersRoundTrip() throws Exception {
        String staged = "q+a %41 #1/.sluice-staging/r1/x?y=z&w;v~'(1),[2]@$!.csv";
        String published = "q+a %41 #1/x?y=z&w;v~'(1),[2]@$!.csv";
        String plus = "q+a %41 #1/plus+plus.csv";
        byte[] content = bytes(300, 16);
        upload(content, staged);
        upload(bytes(30, 17), plus);

        destination.publish(staged, published, false);

        assertThat(stored(published)).isEqualTo(content);
        assertThat(read(staged)).isEmpty();
        assertThat(destination.exists(published)).isTrue();
        assertThat(destination.list("q+a %41 #1/")).containsExactly(plus, published);
        assertThat(destination.list("q a")).as("'+' is not a space").isEmpty();
        assertThat(destination.list("q+a A")).as("'%41' is not 'A'").isEmpty();
        assertThat(destination.deleteAll("q+a %41 #1/")).isEqualTo(2);
        assertThat(names()).isEmpty();
    }

    // ------------------------------------------------------------------ check

    @Test
    void checkSucceedsOnAWritableFolderAndLeavesNoProbeBehind() throws Exception {
        assertThatCode(() -> destination.check("out/daily")).doesNotThrowAnyException();

        assertThat(destination.list("")).isEmpty();
        assertThat(names()).isEmpty();
    }

    @Test
    void checkAtTheRootAndBesideExistingObjectsLeavesThemAlone() throws Exception {
        byte[] kept = bytes(100, 18);
        upload(kept, "out/kept.csv");
        upload(new byte[0], "top.csv");

        destination.check("out");
        destination.check("");

        assertThat(destination.list("")).containsExactly("out/kept.csv", "top.csv");
        assertThat(names()).containsExactly("out/kept.csv", "top.csv");
        assertThat(stored("out/kept.csv")).isEqualTo(kept);
    }
}
