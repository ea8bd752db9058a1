package dev.sluice.bigquery;

import com.google.common.collect.ImmutableList;
import com.google.zetasql.Analyzer;
import com.google.zetasql.AnalyzerOptions;
import com.google.zetasql.LanguageOptions;
import com.google.zetasql.PreparedQuery;
import com.google.zetasql.SimpleCatalog;
import com.google.zetasql.SimpleColumn;
import com.google.zetasql.SimpleTable;
import com.google.zetasql.SqlException;
import com.google.zetasql.TableContent;
import com.google.zetasql.Type;
import com.google.zetasql.Value;
import com.google.zetasql.ZetaSQLBuiltinFunctionOptions;
import com.google.zetasql.ZetaSQLOptions.ParameterMode;
import com.google.zetasql.ZetaSQLOptions.ProductMode;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedExportDataStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedOutputColumn;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedQueryStmt;
import com.google.zetasql.resolvedast.ResolvedNodes.ResolvedStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * GoogleSQL as BigQuery reads it, checked and run by ZetaSQL (Google's SQL analyzer and its
 * reference evaluator): a catalog of tables with BigQuery's types, each reachable under every name
 * BigQuery accepts for it ({@code dataset.table}, {@code project.dataset.table}, backquoted as one
 * name or as a path, and the bare table name in the default dataset), the language BigQuery speaks
 * (every language feature, product mode EXTERNAL: no INT32, UINT, FLOAT or PROTO), and positional
 * parameters typed as the request types them. {@link #analyze} refuses what BigQuery would refuse as
 * invalid (unknown names, wrong types, syntax of another dialect); {@link #query} evaluates a query
 * over the tables' contents.
 */
public final class GoogleSql {
    /** A table of the catalog: its dataset, name, columns and rows (null when it has none the evaluator can hold). */
    public record Table(String dataset, String name, List<String> columns, List<Type> types, List<List<Value>> rows) {
        String fullName() {
            return dataset + "." + name;
        }
    }

    /** What the analyzer made of a statement: its output columns (a query's, or an EXPORT DATA's query), null for others. */
    public record Analysis(List<String> names, List<Type> types, boolean export) {}

    /** A result: output columns and rows. */
    public record Rows(List<String> names, List<Type> types, List<List<Value>> rows) {}

    /** BigQuery refused the statement: {@code notFound} names a missing table or dataset, otherwise the SQL is invalid. */
    public static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final boolean notFound;

        Rejected(String message, boolean notFound) {
            super(message);
            this.notFound = notFound;
        }
    }

    private final String project;
    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final Map<String, SimpleCatalog> catalogs = new HashMap<>();
    private final Map<String, SimpleCatalog> flatCatalogs = new HashMap<>();
    private final java.util.Set<String> datasets = new java.util.HashSet<>();

    public GoogleSql(String project) {
        this.project = project;
    }

    /** The language BigQuery speaks, as ZetaSQL describes it. */
    public static LanguageOptions language() {
        LanguageOptions language = new LanguageOptions().enableMaximumLanguageFeatures();
        language.setProductMode(ProductMode.PRODUCT_EXTERNAL);
        language.setSupportsAllStatementKinds();
        return language;
    }

    /** Adds (or replaces) a table. */
    public synchronized GoogleSql add(Table table) {
        tables.put(table.fullName().toLowerCase(Locale.ROOT), table);
        catalogs.clear();
        flatCatalogs.clear();
        return this;
    }

    public synchronized Table table(String dataset, String name) {
        return tables.get((dataset + "." + name).toLowerCase(Locale.ROOT));
    }

    /** Adds a dataset (tables add theirs). */
    public synchronized GoogleSql addDataset(String dataset) {
        datasets.add(dataset.toLowerCase(Locale.ROOT));
        return this;
    }

    /** Forgets every table and dataset. */
    public synchronized void clear() {
        tables.clear();
        datasets.clear();
        catalogs.clear();
        flatCatalogs.clear();
    }

    public synchronized boolean hasDataset(String dataset) {
        return datasets.contains(dataset.toLowerCase(Locale.ROOT))
                || tables.values().stream().anyMatch(t -> t.dataset().equalsIgnoreCase(dataset));
    }

    private AnalyzerOptions options(List<Type> positional, boolean named) {
        AnalyzerOptions options = new AnalyzerOptions();
        options.setLanguageOptions(language());
        if (named) {
            options.setParameterMode(ParameterMode.PARAMETER_NAMED);
            for (int i = 0; i < positional.size(); i++) {
                options.addQueryParameter("p" + i, positional.get(i));
            }
        } else {
            options.setParameterMode(ParameterMode.PARAMETER_POSITIONAL);
            positional.forEach(options::addPositionalQueryParameter);
        }
        return options;
    }

    private SimpleCatalog catalog(String defaultDataset) {
        String key = defaultDataset == null ? "" : defaultDataset.toLowerCase(Locale.ROOT);
        SimpleCatalog cached = catalogs.get(key);
        if (cached != null) {
            return cached;
        }
        SimpleCatalog root = new SimpleCatalog("bigquery");
        root.addZetaSQLFunctionsAndTypes(new ZetaSQLBuiltinFunctionOptions(language()));
        SimpleCatalog projectCatalog = root.addNewSimpleCatalog(project);
        Map<String, SimpleCatalog> datasets = new HashMap<>();
        for (Table table : tables.values()) {
            List<SimpleColumn> columns = new ArrayList<>();
            for (int i = 0; i < table.columns().size(); i++) {
                columns.add(new SimpleColumn(table.fullName(), table.columns().get(i), table.types().get(i)));
            }
            SimpleTable simple = new SimpleTable(table.fullName(), columns);
            root.addSimpleTable(table.fullName(), simple);
            root.addSimpleTable(project + "." + table.fullName(), simple);
            datasets.computeIfAbsent(table.dataset().toLowerCase(Locale.ROOT), d -> root.addNewSimpleCatalog(table.dataset()))
                    .addSimpleTable(table.name(), simple);
            SimpleCatalog inProject = projectCatalog.getCatalog(table.dataset(), null);
            (inProject == null ? projectCatalog.addNewSimpleCatalog(table.dataset()) : inProject).addSimpleTable(table.name(), simple);
            if (defaultDataset != null && table.dataset().equalsIgnoreCase(defaultDataset)) {
                root.addSimpleTable(table.name(), simple);
            }
        }
        catalogs.put(key, root);
        return root;
    }

    /**
     * The evaluator's catalog: the evaluator gives rows only to tables at the catalog's top level, so
     * every name a table has there is a table of its own ({@code dataset.table},
     * {@code project.dataset.table}, and the bare name in the default dataset), and a query's dotted
     * paths are written as one backquoted name before it runs ({@link #flattened}).
     */
    private SimpleCatalog flatCatalog(String defaultDataset) {
        String key = defaultDataset == null ? "" : defaultDataset.toLowerCase(Locale.ROOT);
        SimpleCatalog cached = flatCatalogs.get(key);
        if (cached != null) {
            return cached;
        }
        SimpleCatalog root = new SimpleCatalog("bigquery");
        root.addZetaSQLFunctionsAndTypes(new ZetaSQLBuiltinFunctionOptions(language()));
        for (Table table : tables.values()) {
            for (String name : flatNames(table, defaultDataset)) {
                List<SimpleColumn> columns = new ArrayList<>();
                for (int i = 0; i < table.columns().size(); i++) {
                    columns.add(new SimpleColumn(name, table.columns().get(i), table.types().get(i)));
                }
                root.addSimpleTable(new SimpleTable(name, columns));
            }
        }
        flatCatalogs.put(key, root);
        return root;
    }

    private List<String> flatNames(Table table, String defaultDataset) {
        List<String> names = new ArrayList<>(List.of(table.fullName(), project + "." + table.fullName()));
        if (defaultDataset != null && table.dataset().equalsIgnoreCase(defaultDataset)) {
            names.add(table.name());
        }
        return names;
    }

    /** {@code a.b}, {@code `a`.`b`}, {@code `p`.a.b} … as the one backquoted name {@code `a.b`} (the evaluator's catalog is flat). */
    static String flattened(String sql, List<List<String>> names) {
        String out = sql;
        for (List<String> name : names) {
            if (name.size() < 2) {
                continue;
            }
            StringBuilder pattern = new StringBuilder("(?<![\\w`.])");
            for (int i = 0; i < name.size(); i++) {
                pattern.append(i == 0 ? "" : "\\s*\\.\\s*").append("`?").append(java.util.regex.Pattern.quote(name.get(i))).append("`?");
            }
            pattern.append("(?![\\w`])");
            out = out.replaceAll(pattern.toString(), java.util.regex.Matcher.quoteReplacement("`" + String.join(".", name) + "`"));
        }
        return out;
    }

    /**
     * Analyses {@code sql} as BigQuery would before running it: names resolved in the catalog,
     * types checked, {@code ?} parameters of the given types.
     *
     * @throws Rejected with ZetaSQL's message when BigQuery would refuse the statement
     */
    public synchronized Analysis analyze(String sql, String defaultDataset, List<Type> parameters) {
        ResolvedStatement statement;
        try {
            statement = new Analyzer(options(parameters, false), catalog(defaultDataset)).analyzeStatement(sql);
        } catch (SqlException e) {
            throw rejected(e, defaultDataset);
        }
        if (statement instanceof ResolvedQueryStmt query) {
            return analysis(query.getOutputColumnList(), false);
        }
        if (statement instanceof ResolvedExportDataStmt export) {
            return analysis(export.getOutputColumnList(), true);
        }
        return new Analysis(null, null, false);
    }

    private static Analysis analysis(List<ResolvedOutputColumn> columns, boolean export) {
        List<String> names = new ArrayList<>();
        List<Type> types = new ArrayList<>();
        for (ResolvedOutputColumn column : columns) {
            names.add(columnName(column.getName(), names.size()));
            types.add(column.getColumn().getType());
        }
        return new Analysis(names, types, export);
    }

    /** BigQuery names an anonymous column {@code f<position>_} (ZetaSQL: empty or {@code $col<n>}). */
    private static String columnName(String name, int position) {
        return name == null || name.isEmpty() || name.startsWith("$") ? "f" + position + "_" : name;
    }

    /** The tables {@code sql} names, as written (one list of name parts each). */
    public static List<List<String>> tablesNamed(String sql) {
        try {
            return Analyzer.extractTableNamesFromStatement(sql, new AnalyzerOptions() {
                {
                    setLanguageOptions(language());
                }
            });
        } catch (SqlException e) {
            return List.of();
        }
    }

    /** The catalog table a name of {@code sql} resolves to, or null. */
    public synchronized Table resolve(List<String> parts, String defaultDataset) {
        List<String> flat = new ArrayList<>();
        for (String part : parts) {
            flat.addAll(List.of(part.split("\\.")));
        }
        if (flat.size() == 3 && flat.get(0).equals(project)) {
            flat.remove(0);
        }
        if (flat.size() == 1 && defaultDataset != null) {
            return table(defaultDataset, flat.get(0));
        }
        return flat.size() == 2 ? table(flat.get(0), flat.get(1)) : null;
    }

    /**
     * Runs a query with ZetaSQL's reference evaluator over the tables it names; {@code ?}
     * parameters take {@code values} in order.
     */
    public synchronized Rows query(String sql, String defaultDataset, List<Type> types, List<Value> values) {
        Map<String, TableContent> contents = new HashMap<>();
        List<List<String>> tableNames = tablesNamed(sql);
        for (List<String> name : tableNames) {
            Table table = resolve(name, defaultDataset);
            if (table != null) {
                for (String flat : flatNames(table, defaultDataset)) {
                    contents.put(flat, TableContent.create(table.rows()));
                }
            }
        }
        Map<String, Value> named = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            named.put("p" + i, values.get(i));
        }
        try (PreparedQuery query = PreparedQuery.builder().setSql(named(flattened(sql, tableNames)))
                .setAnalyzerOptions(options(types, true)).setCatalog(flatCatalog(defaultDataset)).setTablesContents(contents).prepare()) {
            List<String> names = new ArrayList<>();
            List<Type> columnTypes = new ArrayList<>();
            for (SimpleColumn column : query.getColumns()) {
                names.add(columnName(column.getName(), names.size()));
                columnTypes.add(column.getType());
            }
            List<List<Value>> rows = new ArrayList<>();
            for (ImmutableList<Value> row : query.execute(named).getTableData()) {
                rows.add(row);
            }
            return new Rows(names, columnTypes, rows);
        } catch (SqlException e) {
            throw rejected(e, defaultDataset);
        }
    }

    /**
     * {@code ?} → {@code @p0, @p1 …} outside quotes, backquotes and comments: the evaluator binds named
     * parameters only (the statement was analysed with positional ones as sent).
     */
    static String named(String sql) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int end = i + 1;
                while (end < sql.length() && sql.charAt(end) != c) {
                    end += sql.charAt(end) == '\\' ? 2 : 1;
                }
                out.append(sql, i, Math.min(end + 1, sql.length()));
                i = end;
            } else if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-' || c == '#') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? sql.length() : end;
                out.append(sql, i, end);
                i = end - 1;
            } else if (c == '?') {
                out.append("@p").append(n++);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private Rejected rejected(SqlException e, String defaultDataset) {
        String message = String.valueOf(e.getMessage()).replaceFirst("^.*?INVALID_ARGUMENT: ", "")
                .replaceAll("\\[at (\\d+):(\\d+)\\]", "at [$1:$2]").strip();
        java.util.regex.Matcher table = java.util.regex.Pattern.compile("Table not found: (\\S+)").matcher(message);
        if (table.find()) {
            List<String> parts = new ArrayList<>(List.of(table.group(1).replace("`", "").split("\\.")));
            if (parts.size() == 3 && parts.get(0).equals(project)) {
                parts.remove(0);
            }
            String dataset = parts.size() >= 2 ? parts.get(0) : defaultDataset;
            if (dataset != null && !hasDataset(dataset)) {
                return new Rejected("Not found: Dataset " + project + ":" + dataset + " was not found", true);
            }
            return new Rejected("Not found: Table " + project + ":" + (parts.size() >= 2 ? "" : defaultDataset + ".")
                    + String.join(".", parts) + " was not found", true);
        }
        return new Rejected(message, false);
    }
}
