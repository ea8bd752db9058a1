package dev.sluice.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.paging.Page;
import com.google.cloud.NoCredentials;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.Storage.BlobTargetOption;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fake itself, driven by the unmodified official client over HTTP: what the client sends and
 * expects back for buckets, multipart (gzip-encoded) uploads, listing with paging, prefixes and
 * delimiters, ranged reads, compose, metadata updates and preconditions.
 */
class FakeGcsIT {
    @TempDir
    Path dir;

    FakeGcs fake;
    Storage storage;

    @BeforeEach
    void start() {
        fake = new FakeGcs(dir.resolve("fake"));
        storage = StorageOptions.http().setHost(fake.endpoint()).setProjectId("p").setCredentials(NoCredentials.getInstance())
                .build().getService();
    }

    @AfterEach
    void stop() throws Exception {
        storage.close();
        fake.close();
    }

    private void put(String name, String content) {
        storage.create(BlobInfo.newBuilder("b", name).setContentType("text/plain").build(), content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bucketsAreCreatedAndFound() {
        assertThat(storage.get("b")).isNull();
        storage.create(com.google.cloud.storage.BucketInfo.of("b"));
        assertThat(storage.get("b").getName()).isEqualTo("b");
        assertThat(fake.requests()).contains("POST /storage/v1/b?project=p&projection=full");
    }

    @Test
    void multipartUploadsArriveGzippedAndAreStoredDecoded() {
        fake.createBucket("b");
        String text = "hello, ".repeat(1000);
        Blob blob = storage.create(BlobInfo.newBuilder("b", "dir/a b+c%.txt").setContentType("text/plain")
                .setMetadata(Map.of("k", "v")).build(), text.getBytes(StandardCharsets.UTF_8));
        assertThat(blob.getSize()).isEqualTo(text.length());
        assertThat(blob.getGeneration()).isPositive();
        assertThat(blob.getMetadata()).containsEntry("k", "v");
        assertThat(fake.encodedRequests()).anyMatch(r -> r.startsWith("POST /upload/") && r.endsWith("gzip"));
        assertThat(new String(storage.readAllBytes(BlobId.of("b", "dir/a b+c%.txt")), StandardCharsets.UTF_8)).isEqualTo(text);
    }

    @Test
    void listingPagesThroughPrefixesAndDelimiters() {
        fake.createBucket("b");
        for (String name : List.of("a/1", "a/2", "a/3", "a/sub/x", "a/sub/y", "a/zz/q", "b/1", "top")) {
            put(name, name);
        }
        List<String> all = new ArrayList<>();
        storage.list("b", BlobListOption.pageSize(2)).iterateAll().forEach(blob -> all.add(blob.getName()));
        assertThat(all).containsExactly("a/1", "a/2", "a/3", "a/sub/x", "a/sub/y", "a/zz/q", "b/1", "top");
        assertThat(fake.requests()).anyMatch(r -> r.contains("pageToken="));

        List<String> level = new ArrayList<>();
        Page<Blob> page = storage.list("b", BlobListOption.prefix("a/"), BlobListOption.currentDirectory(), BlobListOption.pageSize(2));
        page.iterateAll().forEach(blob -> level.add(blob.getName() + (blob.isDirectory() ? " (prefix)" : "")));
        assertThat(level).containsExactly("a/1", "a/2", "a/3", "a/sub/ (prefix)", "a/zz/ (prefix)");
    }

    @Test
    void rangedReadsSeekAndLimit() throws Exception {
        fake.createBucket("b");
        put("r", "0123456789abcdef");
        try (ReadChannel reader = storage.reader(BlobId.of("b", "r"))) {
            reader.seek(10);
            reader.limit(14);
            ByteBuffer buffer = ByteBuffer.allocate(32);
            while (reader.read(buffer) >= 0) {
                // until the limit
            }
            buffer.flip();
            assertThat(StandardCharsets.UTF_8.decode(buffer).toString()).isEqualTo("abcd");
        }
    }

    @Test
    void preconditionsAnswer412() {
        fake.createBucket("b");
        put("x", "one");
        BlobInfo info = BlobInfo.newBuilder("b", "x").build();
        assertThatThrownBy(() -> storage.create(info, "two".getBytes(StandardCharsets.UTF_8), BlobTargetOption.doesNotExist()))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(412));
        Blob current = storage.get(BlobId.of("b", "x"));
        assertThat(storage.delete(BlobId.of("b", "x", current.getGeneration() + 1))).isFalse();
        assertThatThrownBy(() -> storage.delete(BlobId.of("b", "x"), Storage.BlobSourceOption.generationMatch(current.getGeneration() + 1)))
                .as("a delete with a generation that does not match")
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(412));
        assertThat(storage.delete(BlobId.of("b", "x"), Storage.BlobSourceOption.generationMatch(current.getGeneration()))).isTrue();
    }

    @Test
    void composeUpdateAndCopyKeepBytesAndMetadata() {
        fake.createBucket("b");
        put("p1", "abc");
        put("p2", "def");
        Blob composed = storage.compose(Storage.ComposeRequest.newBuilder().addSource("p1", "p2")
                .setTarget(BlobInfo.newBuilder("b", "whole").setContentType("text/plain").build()).build());
        assertThat(new String(storage.readAllBytes(composed.getBlobId()), StandardCharsets.UTF_8)).isEqualTo("abcdef");
        Blob updated = storage.update(BlobInfo.newBuilder("b", "whole").setMetadata(Map.of("m", "1")).build());
        assertThat(updated.getMetadata()).containsEntry("m", "1");
        assertThat(updated.getMetageneration()).isEqualTo(2);
        Blob copy = storage.copy(Storage.CopyRequest.of("b", "whole", "copy")).getResult();
        assertThat(copy.getMetadata()).containsEntry("m", "1");
        assertThat(copy.getCrc32c()).isEqualTo(updated.getCrc32c());
        assertThat(copy.getMd5()).isEqualTo(updated.getMd5());
    }
}
