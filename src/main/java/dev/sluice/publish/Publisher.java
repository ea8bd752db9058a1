package dev.sluice.publish;

import dev.sluice.destination.Destination;
import dev.sluice.error.SluiceException;
import dev.sluice.workspace.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The "upload" and "publish" stages. With {@code publish: staged} every file is uploaded under
 * {@code folder/.sluice-staging/RUN/} first and moved to its final name only when all are uploaded,
 * so a failure leaves no partial set of final files. With {@code publish: direct} files go to their
 * final names at once and are deleted again if the run fails. With {@code overwrite: false} every
 * final name is checked before the first one is written.
 */
public final class Publisher {

    private final Destination destination;
    private final Activation activation;
    private final String run;
    private final List<String> written = new ArrayList<>();
    private final List<String> published = new ArrayList<>();

    public Publisher(Destination destination, Activation activation, String run) {
        this.destination = destination;
        this.activation = activation;
        this.run = run;
    }

    /** The prefix under which a run stages its objects. */
    public static String stagingPrefix(String folder, String run) {
        return (folder.isEmpty() ? "" : folder + "/") + Destination.STAGING + "/" + run + "/";
    }

    public String stagingPrefix() {
        return stagingPrefix(activation.folder(), run);
    }

    /** Uploads and publishes {@code files}; returns their records in the same order. */
    public List<FileRecord> publish(List<LocalFile> files) {
        List<FileRecord> records = files.stream().map(LocalFile::record).toList();
        if (!activation.overwrite()) {
            for (LocalFile file : files) {
                if (destination.exists(file.objectName())) {
                    throw SluiceException.user("activations." + activation.name() + ": " + file.objectName()
                            + " already exists in destination " + destination.name()
                            + " and overwrite is false; nothing was published (delete it, or add a time variable such as {X} to file_name)");
                }
            }
        }
        boolean staged = activation.publish() == Activation.Publish.STAGED;
        for (LocalFile file : files) {
            String target = staged ? stagingPrefix() + file.objectName().substring(file.objectName().lastIndexOf('/') + 1) : file.objectName();
            // Recorded before the upload: an upload that fails may still have written the object
            // (a checksum found wrong after the bytes went out), and abandon() must remove it.
            written.add(target);
            destination.upload(file.path(), target, file.contentType(),
                    Map.of("sluice-activation", activation.name(), "sluice-run", run, "sluice-rows", Long.toString(file.rows())));
        }
        if (staged) {
            for (LocalFile file : files) {
                String stagedName = stagingPrefix() + file.objectName().substring(file.objectName().lastIndexOf('/') + 1);
                destination.publish(stagedName, file.objectName(), activation.overwrite());
                published.add(file.objectName());
                written.remove(stagedName);
            }
        } else {
            published.addAll(written);
            written.clear();
        }
        return records;
    }

    /**
     * After a failure: removes whatever this run uploaded, staged or final, so that no partial set
     * of final files remains (the files are exported again by the next run).
     */
    public void abandon() {
        List<String> names = new ArrayList<>(written);
        names.addAll(published);
        for (String name : names) {
            try {
                destination.delete(name);
            } catch (SluiceException ignored) {
                // staging leftovers are removed by the next run; the run's own error is what gets reported
            }
        }
    }

    /** Deletes those of {@code finalNames} that exist: the incomplete final set of a run that died; returns how many. */
    public static int withdraw(Destination destination, List<String> finalNames) {
        int removed = 0;
        for (String name : finalNames) {
            if (destination.exists(name)) {
                destination.delete(name);
                removed++;
            }
        }
        return removed;
    }

    /** Removes everything under a staging prefix: the leftovers of a run that died. */
    public static int removeLeftovers(Destination destination, String prefix) {
        return destination.deleteAll(prefix);
    }
}
