package dev.sluice.workspace;

import dev.sluice.config.Problems;
import java.io.ByteArrayInputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.DocumentEndEvent;
import org.yaml.snakeyaml.events.DocumentStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.reader.UnicodeReader;

/**
 * The part of YAML a workspace file may use: one document, keys that are plain text, no tags and
 * no aliases. Checked on the parser's events before the file is read into a tree, which would
 * otherwise take the first document only, a tagged value as its plain text and an alias as the
 * text of its name. Each problem names the key path (or the line, where there is no key yet).
 */
final class YamlSubset {
    private static final String CORE_TAGS = "tag:yaml.org,2002:";
    private static final Pattern ENV_TAG = Pattern.compile("(?i)!env(_?var)?");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** An open mapping or list: its key path, and the key or index of the value being read. */
    private static final class Open {
        final String path;
        final boolean mapping;
        String key;
        int index;

        Open(String path, boolean mapping) {
            this.path = path;
            this.mapping = mapping;
        }

        /** The path of the value being read: the key just read, or the next index. */
        String child() {
            return mapping ? (path.isEmpty() ? key : path + "." + key) : path + "[" + index + "]";
        }

        /** A value is complete: next comes a key, or the next element. */
        void next() {
            key = null;
            index++;
        }
    }

    private final String file;
    private final Problems problems;
    private final Deque<Open> open = new ArrayDeque<>();
    private int documents;
    private boolean firstEnded;

    private YamlSubset(String file, Problems problems) {
        this.file = file;
        this.problems = problems;
    }

    /**
     * Records what {@code content} uses beyond the subset. Returns false when its tree cannot be read
     * at all (a key that is a list or a mapping). Syntax errors are left to the reader of the tree,
     * except after the first document, which that reader never looks at.
     */
    static boolean check(byte[] content, String file, Problems problems) {
        return new YamlSubset(file, problems).scan(content);
    }

    private boolean scan(byte[] content) {
        Iterator<Event> events = new Yaml().parse(new UnicodeReader(new ByteArrayInputStream(content))).iterator();
        try {
            while (events.hasNext()) {
                Event event = events.next();
                if (event instanceof DocumentStartEvent && ++documents > 1 && !emptyDocument(events)) {
                    problems.add(file, "", "line " + line(event.getStartMark()) + ": a second YAML document ('---') is not"
                            + " supported: a workspace file holds one mapping; put everything in one document");
                    return true;
                } else if (event instanceof DocumentEndEvent) {
                    firstEnded = true;
                } else if (event instanceof NodeEvent node && !node(node)) {
                    return false;
                } else if (event instanceof CollectionEndEvent) {
                    open.pop();
                    if (!open.isEmpty()) {
                        open.peek().next();
                    }
                }
            }
        } catch (MarkedYAMLException e) {
            if (firstEnded && e.getProblemMark() != null) {
                problems.add(file, "", YamlFile.notValid(e));
            }
        } catch (YAMLException e) {
            // Unreadable text: the reader of the tree says so.
        }
        return true;
    }

    /** Consumes the content of a document that holds nothing (a lone '---' at the end); false if it holds something. */
    private static boolean emptyDocument(Iterator<Event> events) {
        Event content = events.hasNext() ? events.next() : null;
        return content instanceof ScalarEvent scalar && scalar.getValue().isEmpty() && scalar.getTag() == null
                && scalar.getAnchor() == null && scalar.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
    }

    /** Checks a node; false when it is a key that is not plain text, which leaves the file unreadable. */
    private boolean node(NodeEvent event) {
        Open parent = open.peek();
        if (parent != null && parent.mapping && parent.key == null) {
            return key(parent, event);
        }
        String path = parent == null ? "" : parent.child();
        String key = parent != null && parent.mapping ? parent.key : null;
        if (event instanceof AliasEvent alias) {
            alias(path, alias);
        } else if (event instanceof ScalarEvent scalar) {
            tag(path, key, scalar.getTag(), scalar.getValue());
        } else if (event instanceof CollectionStartEvent collection) {
            tag(path, key, collection.getTag(), null);
            open.push(new Open(path, event instanceof MappingStartEvent));
            return true;
        }
        if (parent != null) {
            parent.next();
        }
        return true;
    }

    private boolean key(Open parent, NodeEvent event) {
        if (event instanceof ScalarEvent scalar) {
            parent.key = scalar.getValue();
            tag(parent.child(), parent.key, scalar.getTag(), null);
            return true;
        }
        Mark at = event.getStartMark();
        String got = event instanceof AliasEvent alias ? "an alias (*" + alias.getAnchor() + ")"
                : event instanceof MappingStartEvent ? "a mapping ('? ...' complex keys are not supported)"
                : "a list ('? ...' complex keys are not supported)";
        problems.add(file, parent.path, "line " + line(at) + ", column " + (at.getColumn() + 1) + ": keys must be plain text, got "
                + got + "; write a plain name before the colon");
        return false;
    }

    private void alias(String path, AliasEvent alias) {
        problems.add(file, path, "YAML aliases such as *" + alias.getAnchor() + " are not supported; write the value itself");
    }

    /** A tag written on a value (or key) at {@code path}; {@code value} is a scalar's text. */
    private void tag(String path, String key, String tag, String value) {
        if (tag == null) {
            return;
        }
        String shown = tag.startsWith(CORE_TAGS) ? "!!" + tag.substring(CORE_TAGS.length()) : tag;
        problems.add(file, path, "YAML tags such as " + shown + " are not supported; " + advice(shown, key, value));
    }

    private static String advice(String tag, String key, String value) {
        if (ENV_TAG.matcher(tag).matches()) {
            if (value != null && value.contains("${")) {
                return "remove the tag: ${NAME} alone reads an environment variable";
            }
            // Named only when it is a name, and never for a secret key, where it could be the secret itself.
            boolean named = value != null && ENV_NAME.matcher(value).matches() && !EnvInterpolation.SECRET_KEYS.contains(key);
            return "write ${" + (named ? value : "NAME") + "} to read an environment variable";
        }
        return value == null ? "remove the tag" : "remove the tag (quote the value to keep it as text)";
    }

    static int line(Mark mark) {
        return mark.getLine() + 1;
    }
}
