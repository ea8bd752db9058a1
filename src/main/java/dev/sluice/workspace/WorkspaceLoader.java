package dev.sluice.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.Node;
import dev.sluice.config.Problems;
import dev.sluice.config.WorkspaceException;
import dev.sluice.error.SluiceException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import dev.sluice.config.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads a workspace file and the files it includes, interpolates {@code ${ENV}} references and
 * parses everything into a {@link Workspace}. Every problem of every file is reported at once in a
 * {@link WorkspaceException}; relative paths inside the workspace are relative to its folder.
 */
public final class WorkspaceLoader {
    private final Function<String, String> env;

    public WorkspaceLoader(Function<String, String> env) {
        this.env = env;
    }

    public static WorkspaceLoader withSystemEnv() {
        return new WorkspaceLoader(System::getenv);
    }

    public Workspace load(Path file) {
        return load(file, Map.of());
    }

    /**
     * As {@link #load(Path)}, with some included files replaced: {@code overlay} maps absolute paths
     * to the YAML tree to use instead of the file's content, or to a missing node for a file to
     * leave out. Paths it names that match an {@code include} pattern are included even when the
     * file does not exist yet. This is how the server validates an edit before saving it.
     */
    public Workspace load(Path file, Map<Path, JsonNode> overlay) {
        Problems problems = new Problems();
        List<UnsetVariable> unset = new ArrayList<>();
        WorkspaceParser parser = parse(file, overlay, problems, unset);
        if (!problems.isEmpty()) {
            throw new WorkspaceException(withoutEchoes(problems.list(), unset));
        }
        return parser.build(file);
    }

    /**
     * As {@link #load(Path)}, except that settings referring to unset environment variables are no
     * problem yet: the workspace knows them ({@link Workspace#unset()}), and a command refuses only
     * when it needs one of them ({@link Workspace#requireSet}). So reading the history, listing and
     * previewing work without, say, a notification's secret. Any other problem is reported as by
     * {@link #load(Path)}.
     */
    public Workspace loadDeferringUnset(Path file) {
        Problems problems = new Problems();
        List<UnsetVariable> unset = new ArrayList<>();
        WorkspaceParser parser = parse(file, Map.of(), problems, unset);
        List<Problem> others = problems.list().stream().filter(p -> !causedByUnset(p, unset)).toList();
        if (!others.isEmpty()) {
            throw new WorkspaceException(withoutEchoes(problems.list(), unset));
        }
        return parser.build(file).withUnset(unset);
    }

    /**
     * The problems without those a setting's unset variable caused besides "is not set" (the
     * literal text {@code ${NAME}} is too short for a secret, not a number, …): one problem per cause.
     */
    private static List<Problem> withoutEchoes(List<Problem> problems, List<UnsetVariable> unset) {
        return problems.stream().filter(p -> !causedByUnset(p, unset) || p.message().endsWith(" is not set")).toList();
    }

    private static boolean causedByUnset(Problem problem, List<UnsetVariable> unset) {
        // the problem is at the setting or inside it (a setting parsed into parts)
        return unset.stream().anyMatch(u -> java.util.Objects.equals(u.file(), problem.file())
                && UnsetVariable.within(problem.path(), u.path()));
    }

    /**
     * A workspace with problems, for {@code sluice validate}: its problems, and the entries that
     * are valid with everything they use (an activation on a broken model is left out), so that the
     * checks that need the sources can run on those and every problem is reported at once.
     */
    public record Partial(Workspace workspace, List<Problem> problems) {}

    public Partial loadPartially(Path file) {
        Problems problems = new Problems();
        List<UnsetVariable> unset = new ArrayList<>();
        WorkspaceParser parser = parse(file, Map.of(), problems, unset);
        return new Partial(parser.buildValidPart(file), withoutEchoes(problems.list(), unset));
    }

    private WorkspaceParser parse(Path file, Map<Path, JsonNode> overlay, Problems problems, List<UnsetVariable> unset) {
        if (!Files.exists(file)) {
            throw SluiceException.user("workspace file " + file + " not found (in " + Path.of("").toAbsolutePath()
                    + "); pass -c FILE to choose another, or run 'sluice demo' for an example");
        }
        if (Files.isDirectory(file)) {
            throw SluiceException.user("workspace file " + file + " is a folder; pass -c FOLDER/sluice.yaml");
        }
        Path baseDir = file.toAbsolutePath().normalize().getParent();
        WorkspaceParser parser = new WorkspaceParser(baseDir, problems);
        String mainName = file.toString();
        JsonNode root = YamlFile.read(file, mainName, problems);
        if (root != null) {
            new EnvInterpolation(env, mainName, problems, unset).apply(root);
            Node main = Node.root(root, mainName, problems);
            parser.parseMain(main);
            for (Path included : includes(main, baseDir, overlay)) {
                String name = display(included, file);
                JsonNode tree = overlay.containsKey(included) ? overlay.get(included).deepCopy() : YamlFile.read(included, name, problems);
                if (tree != null) {
                    new EnvInterpolation(env, name, problems, unset).apply(tree);
                    parser.parseIncluded(Node.root(tree, name, problems));
                }
            }
            parser.checkReferences();
        }
        return parser;
    }

    /** The files matched by {@code include}: globs in the last path segment, in name order. */
    private static List<Path> includes(Node root, Path baseDir, Map<Path, JsonNode> overlay) {
        List<Path> result = new ArrayList<>();
        List<String> patterns = root.textList("include");
        for (int i = 0; i < patterns.size(); i++) {
            String pattern = patterns.get(i);
            Path resolved = baseDir.resolve(pattern).normalize();
            Path dir = resolved.getParent();
            String glob = resolved.getFileName() == null ? "*" : resolved.getFileName().toString();
            if (dir != null && dir.toString().matches(".*[*?\\[{].*")) {
                root.problem("include[" + i + "]", "wildcards are allowed in the file name only, got '" + pattern + "'");
                continue;
            }
            if (!glob.matches(".*[*?\\[{].*") && !Files.isRegularFile(resolved) && !overlay.containsKey(resolved)) {
                root.problem("include[" + i + "]", "no file " + resolved
                        + " (relative paths are relative to the workspace file)");
                continue;
            }
            if (dir == null) {
                continue;
            }
            List<Path> matched = new ArrayList<>();
            try {
                PathMatcher matcher = dir.getFileSystem().getPathMatcher("glob:" + glob);
                overlay.keySet().stream()
                        .filter(p -> dir.equals(p.getParent()) && matcher.matches(p.getFileName()) && !overlay.get(p).isMissingNode())
                        .forEach(matched::add);
            } catch (IllegalArgumentException e) {
                // reported below, when the folder is listed
            }
            if (Files.isDirectory(dir)) {
                try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
                    stream.forEach(p -> {
                        JsonNode replaced = overlay.get(p);
                        if (Files.isRegularFile(p) && !matched.contains(p) && (replaced == null || !replaced.isMissingNode())) {
                            matched.add(p);
                        }
                    });
                } catch (IllegalArgumentException e) {
                    root.problem("include[" + i + "]", "'" + pattern + "' is not a valid file pattern: " + e.getMessage());
                } catch (IOException e) {
                    throw SluiceException.external("cannot list " + dir + " for include '" + pattern + "': " + e.getMessage(), e);
                }
            }
            matched.sort(null);
            matched.forEach(p -> {
                if (!result.contains(p)) {
                    result.add(p);
                }
            });
        }
        return result;
    }

    private static String display(Path included, Path mainFile) {
        Path parent = mainFile.getParent();
        Path base = mainFile.toAbsolutePath().normalize().getParent();
        Path relative = base.relativize(included.toAbsolutePath().normalize());
        return parent == null ? relative.toString() : parent.resolve(relative).toString();
    }
}
