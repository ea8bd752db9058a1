package dev.sluice.workspace;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.sluice.config.Problems;
import dev.sluice.error.SluiceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Reads one workspace file (the main one or an included one) into a YAML tree, recording what is wrong with it. */
final class YamlFile {
    /**
     * Strict about duplicate keys; {@code yes}, {@code no}, {@code on} and {@code off} stay text
     * (YAML 1.2), so that {@code value: NO} means Norway and {@code segment: on} names a segment.
     */
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            .build();

    /**
     * The largest workspace file (main or included) Sluice reads: 1 MiB. It is checked before the
     * file is parsed, because the YAML parser spends minutes of CPU on a file of several megabytes
     * before its own limit (3 M characters) stops it.
     */
    static final int MAX_BYTES = 1024 * 1024;

    private YamlFile() {}

    /** The tree of {@code file}, shown as {@code name} in problems; null when it cannot be used (problems recorded). */
    static JsonNode read(Path file, String name, Problems problems) {
        byte[] content;
        try {
            long size = Files.size(file);
            try (InputStream in = Files.newInputStream(file)) {
                content = in.readNBytes(MAX_BYTES + 1); // at most: a file may grow, or not be a regular file
            }
            if (size > MAX_BYTES || content.length > MAX_BYTES) {
                problems.add(name, "", "the file is too large: " + (size > MAX_BYTES ? size + " bytes" : "more than " + MAX_BYTES + " bytes")
                        + "; a workspace file may have at most " + MAX_BYTES + " bytes (1 MiB): split it into files"
                        + " read with include");
                return null;
            }
        } catch (NoSuchFileException e) {
            problems.add(name, "", "file not found");
            return null;
        } catch (IOException e) {
            throw SluiceException.external("cannot read " + name + ": " + e.getMessage(), e);
        }
        int before = problems.size();
        if (!YamlSubset.check(content, name, problems)) {
            return null;
        }
        try {
            JsonNode tree = YAML.readTree(content);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                if (problems.size() == before) {
                    problems.add(name, "", "the file is empty");
                }
                return null;
            }
            return tree;
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                problems.add(name, "", notValid(marked));
                return null;
            }
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            problems.add(name, "", "not valid YAML" + where + ": " + firstLine(e.getOriginalMessage()));
            return null;
        } catch (IOException e) {
            throw SluiceException.external("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    /** A syntax error: what SnakeYAML expected where, and which construct was open since where. */
    static String notValid(MarkedYAMLException marked) {
        Mark mark = marked.getProblemMark();
        Mark context = marked.getContextMark();
        return "not valid YAML at line " + YamlSubset.line(mark) + ", column " + (mark.getColumn() + 1) + ": "
                + firstLine(marked.getProblem())
                + (marked.getContext() == null || context == null ? "" : " (" + firstLine(marked.getContext())
                        + " that starts at line " + YamlSubset.line(context) + ", column " + (context.getColumn() + 1) + ")");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }
}
