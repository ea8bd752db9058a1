package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sluice.config.PrivateFiles;
import dev.sluice.error.SluiceException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/**
 * Entries saved through the API: one YAML file per entry, {@code FOLDER/NAME.yaml}, holding
 * {@code SECTION: {NAME: {...}}} (activations, segments), in a folder the workspace includes. The
 * hand-written workspace file is never written. Files are replaced atomically (written beside, then
 * renamed), and are owner-only, as is the folder when it is created here.
 */
public class SavedFiles {
    /** The workspace's alphabet for names: they become file names, so nothing that could leave the folder. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}");
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build();
    private final Path folder;
    private final String section;
    private final String kind;

    /** {@code section} is the workspace key the files hold ({@code activations}, {@code segments}). */
    public SavedFiles(Path folder, String section) {
        this.folder = folder.toAbsolutePath().normalize();
        this.section = section;
        this.kind = section.substring(0, section.length() - 1);
    }

    public String section() {
        return section;
    }

    private String header() {
        return "# Saved by the Sluice web UI (sluice serve). Editing by hand is fine;\n"
                + "# the UI rewrites this whole file when the " + kind + " is saved there.\n";
    }

    public Path folder() {
        return folder;
    }

    /** Null when {@code name} is a valid name (of an activation, segment …); what is wrong with it otherwise. */
    public static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            return "required";
        }
        if (!NAME.matcher(name).matches()) {
            return "'" + printable(name) + "' is not a valid name: use letters, digits, _ . - "
                    + "(at most 100, not starting with . or -)";
        }
        return null;
    }

    /** The file of entry {@code name}; the name must be valid. */
    public Path file(String name) {
        if (checkName(name) != null) {
            throw new IllegalArgumentException("invalid " + kind + " name");
        }
        Path file = folder.resolve(name + ".yaml").normalize();
        if (!folder.equals(file.getParent())) {
            throw new IllegalArgumentException("invalid " + kind + " name");
        }
        return file;
    }

    /** Whether {@code file} (as an entry records it) is one of this folder's files. */
    public boolean owns(Path file) {
        return folder.equals(file.toAbsolutePath().normalize().getParent());
    }

    /** The tree of the file for entry {@code name} with {@code settings}. */
    public ObjectNode treeOf(String name, JsonNode settings) {
        ObjectNode root = YAML.createObjectNode();
        root.putObject(section).set(name, settings);
        return root;
    }

    public void save(String name, JsonNode settings) {
        Path file = file(name);
        try {
            PrivateFiles.createFolders(folder);
            // A temporary file is owner-only (rw-------) on POSIX file systems, as the state files are.
            Path temp = Files.createTempFile(folder, "." + name + ".", ".tmp");
            try {
                Files.writeString(temp, header() + YAML.writeValueAsString(treeOf(name, settings)));
                try {
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw SluiceException.external("cannot save " + file + ": " + e.getMessage(), e);
        }
    }

    public void delete(String name) {
        Path file = file(name);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw SluiceException.external("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    static String printable(String text) {
        String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
        return shown.replace("\n", "\\n").replace("\r", "\\r");
    }
}
