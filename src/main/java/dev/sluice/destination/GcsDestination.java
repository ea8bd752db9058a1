package dev.sluice.destination;

import com.google.api.gax.paging.Page;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.CopyWriter;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.Storage.BlobTargetOption;
import com.google.cloud.storage.Storage.CopyRequest;
import com.google.cloud.storage.Storage;
import dev.sluice.error.SluiceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * A Google Cloud Storage bucket through the official client. Uploads stream from the local file
 * in resumable sessions of {@code chunk_size} chunks (only one chunk is held in memory), with the
 * CRC32C computed while sending and compared with the one GCS reports for the stored object.
 * Publishing is a server-side copy to the final name, then a delete of the staged object; with
 * {@code overwrite: false} the copy carries the precondition "does not exist"
 * ({@code ifGenerationMatch=0}). The generation of the copy is the object's version, which a
 * retention delete carries as its precondition.
 */
public final class GcsDestination implements Destination {
    /** Read size from the local file; the client gathers it into chunks of {@code chunk_size}. */
    private static final int READ_BUFFER = 256 * 1024;

    private final GcsDestinationConfig config;
    private final Storage storage;
    /** The service account of the key, named in the sentence about a missing permission; null without a key. */
    private final String account;

    GcsDestination(GcsDestinationConfig config, Storage storage, String account) {
        this.config = config;
        this.storage = storage;
        this.account = account;
    }

    /** Opens the client; fails with a user error naming the setting when the credentials cannot be used. */
    static GcsDestination open(GcsDestinationConfig config) {
        dev.sluice.config.GoogleKeys.Auth auth = GcsClientFactory.credentials(config);
        return new GcsDestination(config, GcsClientFactory.open(config, auth), auth.account());
    }

    @Override
    public String name() {
        return config.name();
    }

    private BlobId id(String objectName) {
        return BlobId.of(config.bucket(), objectName);
    }

    private static String folderOf(String objectName) {
        int slash = objectName.lastIndexOf('/');
        String folder = slash < 0 ? "" : objectName.substring(0, slash);
        int staging = folder.indexOf("/" + STAGING + "/");
        if (staging >= 0) {
            return folder.substring(0, staging);
        }
        return folder.startsWith(STAGING + "/") ? "" : folder;
    }

    @Override
    public String upload(Path file, String objectName, String contentType, Map<String, String> metadata) {
        BlobInfo info = BlobInfo.newBuilder(id(objectName)).setContentType(contentType).setMetadata(metadata).build();
        String action = "uploading " + objectName;
        CRC32C crc = new CRC32C();
        long sent = 0;
        // storage.writer(): a resumable session whose chunk PUTs the client retries after asking GCS
        // how much it holds (the BlobWriteSession API of this client version sends each chunk once).
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ); WriteChannel out = storage.writer(info, writeOptions())) {
            out.setChunkSize(Math.toIntExact(config.chunkSize()));
            ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER);
            while (in.read(buffer) >= 0) {
                buffer.flip();
                crc.update(buffer.duplicate());
                while (buffer.hasRemaining()) {
                    sent += out.write(buffer);
                }
                buffer.clear();
            }
        } catch (java.nio.file.NoSuchFileException | java.nio.file.AccessDeniedException e) {
            throw SluiceException.internal("cannot read the local file " + file + " to upload it: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw GcsErrors.translate(config, GcsErrors.unwrap(e), action, "storage.objects.create", folderOf(objectName));
        }
        Blob stored;
        try {
            stored = storage.get(id(objectName));
        } catch (RuntimeException e) {
            throw GcsErrors.translate(config, GcsErrors.unwrap(e), "reading back the checksum of " + objectName, "storage.objects.get", null);
        }
        String expected = crc32c(crc.getValue());
        if (stored == null || !Objects.equals(expected, stored.getCrc32c()) || stored.getSize() == null || stored.getSize() != sent) {
            throw SluiceException.external("destinations." + name() + ": " + objectName + " was stored damaged: sent " + sent
                    + " bytes with CRC32C " + expected + ", Google Cloud Storage reports "
                    + (stored == null ? "no such object" : stored.getSize() + " bytes with CRC32C " + stored.getCrc32c())
                    + "; nothing was published, run again", null);
        }
        // The generation read back is this upload's only if the object still carries what was sent.
        return metadata.isEmpty() || !Objects.equals(stored.getMetadata(), metadata) ? null : generation(stored);
    }

    /** The options of an upload: the destination's Cloud KMS key, when it has one. */
    private Storage.BlobWriteOption[] writeOptions() {
        return config.kmsKeyName() == null ? new Storage.BlobWriteOption[0]
                : new Storage.BlobWriteOption[] {Storage.BlobWriteOption.kmsKeyName(config.kmsKeyName())};
    }

    /** {@code first} (when not null) and the destination's Cloud KMS key (when it has one), for a write or a copy. */
    private BlobTargetOption[] targetOptions(BlobTargetOption first) {
        List<BlobTargetOption> options = new ArrayList<>();
        if (first != null) {
            options.add(first);
        }
        if (config.kmsKeyName() != null) {
            options.add(BlobTargetOption.kmsKeyName(config.kmsKeyName()));
        }
        return options.toArray(new BlobTargetOption[0]);
    }

    private static String generation(Blob blob) {
        return blob == null || blob.getGeneration() == null ? null : Long.toString(blob.getGeneration());
    }

    /** Base64 of the four big-endian bytes of a CRC32C, as GCS writes it. */
    static String crc32c(long value) {
        byte[] bytes = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public String publish(String stagedName, String finalName, boolean overwrite) {
        String action = "copying " + stagedName + " to " + finalName;
        BlobTargetOption[] options = targetOptions(overwrite ? null : BlobTargetOption.doesNotExist());
        String generation;
        try {
            CopyWriter copy = storage.copy(CopyRequest.newBuilder().setSource(id(stagedName)).setTarget(id(finalName), options).build());
            generation = generation(copy.getResult());
        } catch (RuntimeException e) {
            RuntimeException cause = GcsErrors.unwrap(e);
            if (!overwrite && GcsErrors.preconditionFailed(cause)) {
                Blob copied = copiedBefore(stagedName, finalName);
                if (copied == null) {
                    throw Destination.notReplaced(name(), finalName, null);
                }
                generation = generation(copied);
            } else {
                throw GcsErrors.translate(config, cause, action, "storage.objects.create", folderOf(finalName));
            }
        }
        try {
            delete(stagedName);
        } catch (SluiceException e) {
            throw new StagedCopyLeft(generation, e);
        }
        return generation;
    }

    /** The object at the final name when a retried copy already put this staged object there (same run, same bytes), else null. */
    private Blob copiedBefore(String stagedName, String finalName) {
        try {
            Blob staged = storage.get(id(stagedName));
            Blob target = storage.get(id(finalName));
            boolean same = staged != null && target != null && staged.getMetadata() != null && target.getMetadata() != null
                    && Objects.equals(staged.getMetadata().get("sluice-run"), target.getMetadata().get("sluice-run"))
                    && Objects.equals(staged.getCrc32c(), target.getCrc32c());
            return same ? target : null;
        } catch (RuntimeException e) {
            throw GcsErrors.translate(config, GcsErrors.unwrap(e), "reading " + finalName, "storage.objects.get", null);
        }
    }

    @Override
    public void delete(String objectName) {
        try {
            storage.delete(id(objectName));
        } catch (RuntimeException e) {
            throw GcsErrors.translate(config, GcsErrors.unwrap(e), "deleting " + objectName, "storage.objects.delete", folderOf(objectName));
        }
    }

    /**
     * With a recorded generation, deletes that generation only ({@code ifGenerationMatch}): an
     * object written again since, even with the same bytes, is {@link Removal#CHANGED}. Without
     * (older records), reads the object's generation, size and CRC32C and deletes that generation
     * only if size and CRC32C are the recorded ones. A bucket retention policy or a hold that refuses
     * the delete (403) is {@link Removal#REFUSED}.
     */
    @Override
    public Removal deleteIfUnchanged(String objectName, String version, String crc32c, long bytes) {
        long generation;
        if (version != null) {
            try {
                generation = Long.parseLong(version);
            } catch (NumberFormatException e) {
                return Removal.CHANGED; // recorded by another kind of destination under this name: not provably this object
            }
        } else {
            Blob current;
            try {
                current = storage.get(id(objectName), Storage.BlobGetOption.fields(Storage.BlobField.NAME, Storage.BlobField.GENERATION,
                        Storage.BlobField.SIZE, Storage.BlobField.CRC32C));
            } catch (RuntimeException e) {
                throw GcsErrors.translate(config, GcsErrors.unwrap(e), "looking up " + objectName, "storage.objects.get", null);
            }
            if (current == null) {
                return Removal.MISSING;
            }
            if (!Objects.equals(current.getCrc32c(), crc32c) || current.getSize() == null || current.getSize() != bytes) {
                return Removal.CHANGED;
            }
            generation = current.getGeneration();
        }
        try {
            return storage.delete(BlobId.of(config.bucket(), objectName), Storage.BlobSourceOption.generationMatch(generation))
                    ? Removal.DELETED : Removal.MISSING;
        } catch (RuntimeException e) {
            RuntimeException cause = GcsErrors.unwrap(e);
            if (GcsErrors.preconditionFailed(cause)) {
                return Removal.CHANGED;
            }
            if (GcsErrors.retentionRefused(cause)) {
                return Removal.REFUSED;
            }
            throw GcsErrors.translate(config, cause, "deleting " + objectName, "storage.objects.delete", folderOf(objectName));
        }
    }

    @Override
    public boolean exists(String objectName) {
        try {
            return storage.get(id(objectName), Storage.BlobGetOption.fields(Storage.BlobField.NAME)) != null;
        } catch (RuntimeException e) {
            throw GcsErrors.translate(config, GcsErrors.unwrap(e), "looking up " + objectName, "storage.objects.get", null);
        }
    }

    @Override
    public java.util.Optional<ObjectInfo> stat(String objectName) {
        Blob blob;
        try {
            blob = storage.get(id(objectName), Storage.BlobGetOption.fields(Storage.BlobField.NAME, Storage.BlobField.GENERATION,
                    Storage.BlobField.SIZE, Storage.BlobField.CRC32C));
        } catch (RuntimeException e) {
            throw GcsErrors.translate(config, GcsErrors.unwrap(e), "reading the metadata of " + objectName, "storage.objects.get", null);
        }
        if (blob == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new ObjectInfo(generation(blob), blob.getSize() == null ? 0 : blob.getSize(), blob.getCrc32c()));
    }

    @Override
    public List<String> list(String prefix) {
        List<String> names = new ArrayList<>();
        try {
            Page<Blob> page = storage.list(config.bucket(), BlobListOption.prefix(prefix), BlobListOption.fields(Storage.BlobField.NAME));
            for (Blob blob : page.iterateAll()) {
                names.add(blob.getName());
            }
        } catch (RuntimeException e) {
            throw GcsErrors.translate(config, GcsErrors.unwrap(e), "listing " + (prefix.isEmpty() ? "the bucket" : prefix), "storage.objects.list", null);
        }
        names.sort(null);
        return names;
    }

    /** The permission each access needs on GCS. */
    private static final Map<Access, String> PERMISSION = Map.of(Access.CREATE, "storage.objects.create", Access.GET,
            "storage.objects.get", Access.LIST, "storage.objects.list", Access.DELETE, "storage.objects.delete");

    /**
     * Asks GCS which of the permissions are held on the bucket ({@code testIamPermissions}, which
     * needs no permission of its own). A role granted under an IAM condition on object names (a
     * prefix) is not held on the bucket itself, so when {@code storage.objects.create} is reported
     * missing the answer is checked under {@code folder} with a probe object in the staging folder
     * ({@code FOLDER/.sluice-staging/.sluice-probe-UUID}): created, read, listed and deleted, each
     * step that works removing its permission from the answer. A probe that cannot be deleted stays,
     * and the sentence about delete says so.
     */
    @Override
    public Map<Access, String> lacking(java.util.Set<Access> asked, String folder) {
        List<Access> order = new ArrayList<>(new java.util.TreeSet<>(asked));
        List<Boolean> held;
        try {
            held = storage.testIamPermissions(config.bucket(), order.stream().map(PERMISSION::get).toList());
        } catch (RuntimeException e) {
            throw GcsErrors.translate(config, GcsErrors.unwrap(e), "asking which permissions the credentials hold on bucket " + config.bucket(),
                    "storage.objects.get", null);
        }
        Map<Access, String> lacking = new java.util.EnumMap<>(Access.class);
        for (int i = 0; i < order.size(); i++) {
            if (i >= held.size() || !Boolean.TRUE.equals(held.get(i))) {
                lacking.put(order.get(i), GcsErrors.lacks(config, PERMISSION.get(order.get(i)), account));
            }
        }
        if (lacking.containsKey(Access.CREATE)) {
            probeUnder(folder, lacking);
        }
        return lacking;
    }

    /** Tries each lacking access on a probe object under {@code folder}; removes those that work. */
    private void probeUnder(String folder, Map<Access, String> lacking) {
        String base = folder == null || folder.isEmpty() ? "" : folder.replaceAll("/+$", "") + "/";
        String probe = base + STAGING + "/.sluice-probe-" + UUID.randomUUID();
        try {
            storage.create(BlobInfo.newBuilder(id(probe)).setContentType("text/plain").build(),
                    "sluice permission probe\n".getBytes(StandardCharsets.UTF_8), targetOptions(BlobTargetOption.doesNotExist()));
        } catch (RuntimeException e) {
            if (GcsErrors.code(GcsErrors.unwrap(e)) == 403) {
                // not allowed here either: the test's answer stands
                if (!base.isEmpty()) {
                    lacking.put(Access.CREATE, lacking.get(Access.CREATE) + "; writing under the folder " + base
                            + " was refused too (the folder is not writable: if an IAM condition limits the role to some prefixes, include this one)");
                }
                return;
            }
            throw GcsErrors.translate(config, GcsErrors.unwrap(e), "writing the probe object " + probe, "storage.objects.create", null);
        }
        lacking.remove(Access.CREATE);
        if (lacking.containsKey(Access.GET) && allowed(() -> storage.get(id(probe)))) {
            lacking.remove(Access.GET);
        }
        if (lacking.containsKey(Access.LIST) && allowed(() -> storage.list(config.bucket(), BlobListOption.prefix(probe)).iterateAll())) {
            lacking.remove(Access.LIST);
        }
        if (allowed(() -> storage.delete(id(probe)))) {
            lacking.remove(Access.DELETE);
        } else if (lacking.containsKey(Access.DELETE)) {
            lacking.put(Access.DELETE, lacking.get(Access.DELETE) + "; the probe object " + probe + " written to find this out stays there");
        }
    }

    /** Whether a request is allowed: false on a 403, the failure itself otherwise. */
    private boolean allowed(Runnable request) {
        try {
            request.run();
            return true;
        } catch (RuntimeException e) {
            if (GcsErrors.code(GcsErrors.unwrap(e)) == 403) {
                return false;
            }
            throw GcsErrors.translate(config, GcsErrors.unwrap(e), "probing the permissions under the folder", "storage.objects.get", null);
        }
    }

    @Override
    public void check(String folder) {
        Map<Access, String> lacking = lacking(java.util.EnumSet.allOf(Access.class), folder);
        if (!lacking.isEmpty()) {
            throw SluiceException.user("destinations." + name() + ": " + String.join("; ", lacking.values()), null);
        }
        String base = folder == null || folder.isEmpty() ? "" : folder.replaceAll("/+$", "") + "/";
        String probe = base + ".sluice-check-" + UUID.randomUUID();
        String folderName = base.isEmpty() ? null : base.substring(0, base.length() - 1);
        byte[] content = ("sluice check " + probe + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            storage.create(BlobInfo.newBuilder(id(probe)).setContentType("text/plain").build(), content,
                    targetOptions(BlobTargetOption.doesNotExist()));
        } catch (RuntimeException e) {
            throw GcsErrors.translate(config, GcsErrors.unwrap(e), "writing the probe object " + probe, "storage.objects.create", folderName);
        }
        try {
            byte[] back;
            try {
                back = storage.readAllBytes(id(probe));
            } catch (RuntimeException e) {
                throw GcsErrors.translate(config, GcsErrors.unwrap(e), "reading back the probe object " + probe, "storage.objects.get", folderName);
            }
            if (!Arrays.equals(back, content)) {
                throw SluiceException.external("destinations." + name() + ": the probe object " + probe
                        + " read back differs from what was written (" + back.length + " bytes instead of " + content.length + ")", null);
            }
            List<String> listed = list(probe);
            if (!listed.contains(probe)) {
                throw SluiceException.external("destinations." + name() + ": the probe object " + probe + " is missing from a listing of the bucket", null);
            }
        } finally {
            try {
                storage.delete(id(probe));
            } catch (RuntimeException e) {
                if (GcsErrors.retentionRefused(GcsErrors.unwrap(e))) {
                    return; // the bucket keeps every new object for a while: `sluice check` reports its rule, the probe stays
                }
                SluiceException failure = GcsErrors.translate(config, GcsErrors.unwrap(e), "deleting the probe object " + probe,
                        "storage.objects.delete", folderName);
                throw new SluiceException(failure.kind(), failure.getMessage() + "; the probe object " + probe
                        + " is left in the bucket; delete it by hand", null);
            }
        }
    }

    /**
     * Reads the bucket's retention policy and default event-based hold ({@code storage.buckets.get}).
     * Without that permission the answer is {@link Lock#unknown}, saying so.
     */
    @Override
    public Lock lock() {
        com.google.cloud.storage.Bucket bucket;
        String action = "reading the retention policy of bucket " + config.bucket();
        try {
            bucket = storage.get(config.bucket(), Storage.BucketGetOption.fields(Storage.BucketField.RETENTION_POLICY,
                    Storage.BucketField.DEFAULT_EVENT_BASED_HOLD));
        } catch (RuntimeException e) {
            RuntimeException cause = GcsErrors.unwrap(e);
            SluiceException failure = GcsErrors.translate(config, cause, action, "storage.buckets.get", null);
            if (GcsErrors.code(cause) == 403 && !GcsErrors.refusedCredentials(cause)) {
                return new Lock(null, false, failure.getMessage());
            }
            throw failure;
        }
        if (bucket == null) {
            throw GcsErrors.translate(config, new com.google.cloud.storage.StorageException(404, "The specified bucket does not exist."),
                    action, "storage.buckets.get", null);
        }
        java.time.Duration period = bucket.getRetentionPeriodDuration();
        boolean hold = Boolean.TRUE.equals(bucket.getDefaultEventBasedHold());
        List<String> rules = new ArrayList<>();
        if (period != null && !period.isZero()) {
            rules.add("a retention policy of " + GcsErrors.describe(period)
                    + (Boolean.TRUE.equals(bucket.retentionPolicyIsLocked()) ? " (locked)" : "")
                    + ": an object cannot be deleted or replaced until it is " + GcsErrors.describe(period) + " old");
        }
        if (hold) {
            rules.add("a default event-based hold: every new object is held, and cannot be deleted or replaced until its hold is released");
        }
        return rules.isEmpty() ? Lock.NONE : new Lock("bucket " + config.bucket() + " has " + String.join(", and ", rules), hold, null);
    }

    @Override
    public void close() {
        try {
            storage.close();
        } catch (Exception e) {
            // nothing to release that matters: the HTTP transport holds no open session
        }
    }
}
