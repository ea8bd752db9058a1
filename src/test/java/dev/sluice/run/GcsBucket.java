package dev.sluice.run;

import dev.sluice.gcs.FakeGcs;
import java.nio.file.Path;

/**
 * A bucket on {@link FakeGcs} for the tests that run a destination-neutral suite against a
 * {@code gcs} destination: the fake, a {@link GcsView} that reads it back through a client of its
 * own, and the workspace lines that point a destination at it.
 */
final class GcsBucket implements AutoCloseable {
    final String name;
    final FakeGcs fake;
    final GcsView view;

    private GcsBucket(Path dir, String name) {
        this.name = name;
        this.fake = new FakeGcs(dir.resolve("fake")).createBucket(name);
        this.view = new GcsView(fake, name, dir.resolve("downloads"));
    }

    /** A fresh bucket {@code name}, the fake's files and downloads under {@code dir}. */
    static GcsBucket start(Path dir, String name) {
        return new GcsBucket(dir, name);
    }

    /** The destination's settings (a flow mapping); {@code extra} adds settings, e.g. {@code ", chunk_size: 256KiB"}. */
    String destination(int maxAttempts, String extra) {
        return "{type: gcs, bucket: " + name + ", endpoint: \"" + fake.endpoint() + "\", max_attempts: " + maxAttempts + extra + "}";
    }

    /** {@link People#WORKSPACE} with its {@code out} destination on this bucket. */
    String workspaceHeader(int maxAttempts, String extra) {
        return People.WORKSPACE.replace("out: {type: local, path: out}", "out: " + destination(maxAttempts, extra));
    }

    /** A fixture that reads the bucket back through {@link #view}. */
    Fixture fixture(Path dir) {
        Fixture fx = new Fixture(dir);
        fx.view = view;
        return fx;
    }

    @Override
    public void close() throws Exception {
        try {
            view.close();
        } finally {
            fake.close();
        }
    }
}
