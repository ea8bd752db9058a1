package dev.sluice.workspace;

import dev.sluice.config.Node;
import dev.sluice.config.Problem;
import dev.sluice.config.Problems;
import dev.sluice.config.Suggestions;
import dev.sluice.config.WorkspaceException;
import dev.sluice.engine.Column;
import dev.sluice.error.ErrorKind;
import dev.sluice.error.SluiceException;
import dev.sluice.plan.Mapping;
import dev.sluice.source.Model;
import dev.sluice.source.filter.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checks that need the sources: each model's query runs and has its primary key; each
 * segment's attributes, operators and values fit the model's columns; each mapping names real
 * columns; each format can write the exported names.
 */
public final class SchemaCheck {
    /** What the check found: problems in the workspace, and sources that could not be reached. */
    public record Result(List<Problem> problems, List<SluiceException> failures) {
        public boolean ok() {
            return problems.isEmpty() && failures.isEmpty();
        }
    }

    private SchemaCheck() {}

    public static Result run(Workspace workspace, Catalog catalog) {
        Problems problems = new Problems();
        List<SluiceException> failures = new ArrayList<>();
        String file = workspace.file().toString();
        java.util.Map<String, List<Column>> described = new java.util.HashMap<>();
        java.util.Set<String> unreachable = new java.util.HashSet<>();
        for (Model model : workspace.models().values()) {
            if (unreachable.contains(model.source())) {
                continue;
            }
            try {
                List<Column> columns = catalog.columns(model);
                described.put(model.name(), columns);
                Set<String> names = columns.stream().map(Column::name).collect(Collectors.toSet());
                for (String key : model.primaryKey()) {
                    if (!names.contains(key)) {
                        problems.add(file, "models." + model.name() + ".primary_key", missingKey(key, columns));
                    }
                }
            } catch (WorkspaceException e) {
                e.problems().forEach(p -> problems.add(p.file(), p.path(), p.message()));
            } catch (SluiceException e) {
                if (e.kind() == ErrorKind.USER) {
                    problems.add(file, "", e.getMessage());
                    unreachable.add(model.source());
                } else {
                    failures.add(e);
                    unreachable.add(model.source());
                }
            }
        }
        for (Segment segment : workspace.segments().values()) {
            Model model = workspace.models().get(segment.model());
            if (described.containsKey(model.name())) {
                catalog.compile(model, segment, problems);
            }
        }
        for (Activation activation : workspace.activations().values()) {
            List<Column> columns = described.get(workspace.modelOf(activation.target()).name());
            if (columns != null) {
                checkActivation(activation, columns, problems);
            }
        }
        return new Result(problems.list(), failures);
    }

    /**
     * Why a primary-key column is missing, with the columns the query did return; one column whose
     * name holds a separator is a CSV file read with the wrong delimiter, which the message says.
     */
    public static String missingKey(String key, List<Column> columns) {
        List<String> names = columns.stream().map(Column::name).toList();
        String message = "column '" + key + "' is not in the query's result" + Suggestions.didYouMean(key, names)
                + "; the query returned " + names.size() + (names.size() == 1 ? " column: " : " columns: ") + String.join(", ", names);
        if (names.size() == 1 && names.get(0).matches(".*[;|\t,].*")) {
            message += " — if the model reads a CSV file, its delimiter was not detected: name it, e.g. "
                    + "read_csv('file.csv', delim = ';', header = true)";
        }
        return message;
    }

    /**
     * The checks of an activation against the columns its model returns, as {@code validate} makes
     * them: a run makes them again on the columns it actually got, before it exports a row, so that
     * a column renamed since validation cannot make it publish what validate would reject.
     */
    public static List<Problem> checkActivation(Activation activation, List<Column> columns) {
        Problems problems = new Problems();
        checkActivation(activation, columns, problems);
        return problems.list();
    }

    private static void checkActivation(Activation activation, List<Column> columns, Problems problems) {
        Node node = Node.root(null, activation.file(), problems).get("activations").get(activation.name());
        List<String> names = columns.stream().map(Column::name).toList();
        List<Mapping> mapping = activation.mapping();
        for (int i = 0; i < mapping.size(); i++) {
            String from = mapping.get(i).from();
            if (!names.contains(from)) {
                node.get("mapping[" + i + "]").problem("from", "unknown attribute '" + from + "'"
                        + Suggestions.didYouMean(from, names) + "; the model's columns: " + String.join(", ", names));
            }
        }
        if (mapping.isEmpty()) {
            activation.format().checkAttributeNames(names, node.get("format"));
        }
        checkPartitions(activation, columns, node);
    }

    /**
     * {@code partition_by} against the model's columns: each a column the model returns (and the
     * activation exports: the mapping's are checked when the workspace loads), {@code as} only on a
     * date or timestamp ({@code hour} not on a date), and a column at least left in the files.
     */
    private static void checkPartitions(Activation activation, List<Column> columns, Node node) {
        List<dev.sluice.plan.PartitionBy.Part> parts = activation.partitionBy().parts();
        List<String> names = columns.stream().map(Column::name).toList();
        for (int i = 0; i < parts.size(); i++) {
            dev.sluice.plan.PartitionBy.Part part = parts.get(i);
            Node at = node.get("partition_by[" + i + "]");
            Column column = columns.stream().filter(c -> c.name().equals(part.column())).findFirst().orElse(null);
            if (column == null) {
                at.problem("unknown column '" + part.column() + "'" + Suggestions.didYouMean(part.column(), names)
                        + "; the model's columns: " + String.join(", ", names));
                continue;
            }
            if (part.as() == null) {
                continue;
            }
            if (!column.type().isTemporal()) {
                at.problem("as: " + part.as().key() + " takes a date or timestamp column, and '" + part.column() + "' is "
                        + column.sourceType() + "; partition by the column's own value (remove as), or by a date/time column");
            } else if (part.as() == dev.sluice.plan.PartitionBy.Derived.HOUR && column.type() == dev.sluice.engine.LogicalType.DATE) {
                at.problem("as: hour takes a timestamp column, and '" + part.column() + "' is a date (" + column.sourceType()
                        + "); use as: day, month or year");
            }
        }
        List<String> exported = activation.mapping().isEmpty() ? names
                : activation.mapping().stream().map(Mapping::from).toList();
        if (!parts.isEmpty() && exported.stream().allMatch(c -> parts.contains(new dev.sluice.plan.PartitionBy.Part(c, null)))) {
            node.problem("partition_by", "partitions by every exported column (" + String.join(", ", exported)
                    + "), which would leave the files without a column; export another column too, or partition by fewer");
        }
    }
}
