package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.workspace.Workspace;
import dev.sluice.workspace.WorkspaceLoader;
import java.nio.file.Path;
import java.util.Map;

/**
 * The workspace the server works on, read afresh from disk on every use, so that edits by hand and
 * through the API are seen at once, by the same loader and checks as {@code sluice validate}.
 */
public final class Workspaces {
    private final Path file;
    private final WorkspaceLoader loader;
    private final Path stateDir;

    public Workspaces(Path file, WorkspaceLoader loader, Path stateDir) {
        this.file = file;
        this.loader = loader;
        this.stateDir = stateDir;
    }

    public Path file() {
        return file;
    }

    public Path stateDir() {
        return stateDir;
    }

    /** The workspace as it is on disk; a WorkspaceException with every problem when it is not valid. */
    public Workspace load() {
        return loader.load(file);
    }

    /** The workspace with some included files replaced or added (see {@link WorkspaceLoader#load(Path, Map)}). */
    public Workspace loadWith(Map<Path, JsonNode> overlay) {
        return loader.load(file, overlay);
    }
}
