package dev.sluice.source.postgres;

import dev.sluice.source.JdbcProperties;
import dev.sluice.source.PostgresUrl;

import dev.sluice.source.Source;
import dev.sluice.source.Model;
import dev.sluice.source.WarehouseState;
import dev.sluice.source.EngineStaging;
import dev.sluice.source.ConnectionErrors;



import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import dev.sluice.engine.Column;
import dev.sluice.engine.LogicalType;
import dev.sluice.error.Secrets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A PostgreSQL server, given by {@code host}, {@code port}, {@code database} or by a JDBC
 * {@code url}, with {@code user}, {@code password} and optional driver {@code properties}.
 */
public record PostgresSource(String name, String url, String user, String password, Map<String, String> properties,
        String stateSchema) implements Source {
    /** Where activations with {@code state: source} keep their snapshots, unless {@code state_schema} says otherwise. */
    public static final String DEFAULT_STATE_SCHEMA = "sluice_state";


    public static PostgresSource parse(String name, Node node) {
        return parse(name, node, PgEnvironment.system());
    }

    /** The settings of a postgres source. */
    public static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.typeKey("source", "duckdb"),
            SettingSpec.text("host").absent("PGHOST, else localhost").in("postgres", 1).help("server name or address"),
            SettingSpec.integer("port").absent("PGPORT, else 5432").in("postgres", 2).help("1-65535"),
            SettingSpec.text("database").absent("PGDATABASE, else the user name").in("postgres", 3).help("the database"),
            SettingSpec.text("url").in("postgres", 4)
                    .help("postgresql://… or jdbc:postgresql:… instead of host, port and database"),
            SettingSpec.text("user").absent("the URL's, else PGUSER, else the operating system's user").in("postgres", 5)
                    .help("the user to connect as"),
            SettingSpec.text("password").absent("the URL's, else PGPASSWORD, else the password file").asSecret().in("postgres", 6)
                    .help("usually ${PG_PASSWORD}; never printed"),
            SettingSpec.of("properties", SettingSpec.Kind.PROPERTIES).absent("none").in("postgres", 7)
                    .help("pgjdbc connection properties, e.g. {sslmode: require}"),
            SettingSpec.text("state_schema").withDefault("sluice_state").in("postgres", 8)
                    .help("where activations with state: source keep their snapshots"));

    /**
     * The source as {@code node} describes it. A JDBC {@code url} is taken as written; libpq's
     * {@code postgresql://} URL and host/port/database are completed as libpq completes them, from
     * {@code env} (PG* variables, the password file).
     */
    public static PostgresSource parse(String name, Node node, PgEnvironment env) {
        node.allowKeys(SettingSpec.keys(SETTINGS));
        String url = node.text("url", null);
        String user = node.text("user", null);
        String password = node.text("password", null);
        Secrets.register(password);
        Map<String, String> properties = new java.util.LinkedHashMap<>(JdbcProperties.parse(node.get("properties")));
        // libpq's rules (PG* variables, the password file) apply to its URL and to host/port/database, not to a JDBC URL.
        boolean libpqRules = url == null || LibpqUrl.applies(url);
        if (url != null && (node.has("host") || node.has("port") || node.has("database"))) {
            node.problem("url", "give either url or host/port/database, not both");
        }
        if (url != null && libpqRules) {
            Secrets.registerUrl(url);
            try {
                LibpqUrl libpq = LibpqUrl.parse(url);
                user = user != null ? user : libpq.user() != null ? libpq.user() : env.user();
                password = password != null ? password : libpq.password();
                libpq.properties().forEach(properties::putIfAbsent);
                List<LibpqUrl.Address> hosts = libpq.hosts().isEmpty() ? List.of(new LibpqUrl.Address(env.host(), env.port())) : libpq.hosts();
                String database = libpq.database() != null ? libpq.database() : env.database(user);
                if (password == null) {
                    LibpqUrl.Address first = hosts.get(0);
                    password = env.password(first.host(), first.port() != null ? first.port() : env.port(), database, user);
                }
                url = "jdbc:postgresql://" + hosts.stream().map(LibpqUrl.Address::toString).collect(java.util.stream.Collectors.joining(","))
                        + "/" + encode(database);
            } catch (IllegalArgumentException e) {
                node.problem("url", e.getMessage() + ", got '" + Secrets.maskUrl(url) + "'");
            }
        } else if (url != null) {
            PostgresUrl.check(node, "url", url);
        } else {
            String host = node.text("host", null);
            Long port = node.longAtLeast("port", 1);
            if (port != null && port > 65535) {
                node.problem("port", "must be at most 65535, got " + port);
            }
            try {
                host = host != null ? host : env.host();
                int resolvedPort = port != null ? port.intValue() : env.port();
                user = user != null ? user : env.user();
                String database = node.text("database", null);
                database = database != null ? database : env.database(user);
                if (password == null) {
                    password = env.password(host, resolvedPort, database, user);
                }
                url = "jdbc:postgresql://" + host + ":" + resolvedPort + "/" + encode(database);
            } catch (IllegalArgumentException e) {
                node.problem("port", e.getMessage());
                url = "jdbc:postgresql://localhost/";
            }
        }
        if (libpqRules && properties.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("sslmode"))) {
            String sslmode = env.get("PGSSLMODE");
            if (sslmode != null) {
                properties.put("sslmode", sslmode);
            }
        }
        if (libpqRules && properties.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("ApplicationName"))) {
            String application = env.get("PGAPPNAME");
            if (application != null) {
                properties.put("ApplicationName", application);
            }
        }
        Secrets.register(password);
        Secrets.registerUrl(url);
        String stateSchema = node.text("state_schema", DEFAULT_STATE_SCHEMA);
        if (stateSchema != null && !stateSchema.matches("[a-z_][a-z0-9_]{0,62}")) {
            node.problem("state_schema", "must be a lower-case PostgreSQL name (letters, digits, _; at most 63), got '" + stateSchema + "'");
        }
        return new PostgresSource(name, url, user, password, properties, stateSchema);
    }

    /** A database name as the driver's URL takes it (percent-encoded). */
    private static String encode(String database) {
        return database == null ? "" : java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String type() {
        return "postgres";
    }

    @Override
    public Connection connect() {
        Properties props = new Properties();
        props.putAll(properties);
        props.putIfAbsent("ApplicationName", "sluice");
        props.putIfAbsent("connectTimeout", "10");
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        try {
            return new org.postgresql.Driver().connect(url, props);
        } catch (SQLException e) {
            throw ConnectionErrors.cannotConnect(this, e);
        }
    }

    /**
     * Streams the model through PostgreSQL's {@code COPY (query) TO STDOUT} into a CSV file the
     * engine loads: the bulk path, about ten times faster than reading rows through JDBC.
     */
    @Override
    public String loadInto(dev.sluice.engine.Engine engine, Model model) throws SQLException {
        try (Connection connection = connect()) {
            try (java.sql.Statement statement = connection.createStatement()) {
                statement.execute("SET TIME ZONE 'UTC'");
            }
            java.util.List<Column> columns = EngineStaging.describe(connection, model);
            String select = columns.stream().map(PostgresSource::exportExpression).collect(java.util.stream.Collectors.joining(", "));
            java.nio.file.Path csv = EngineStaging.tempCsv(engine);
            try {
                try (java.io.OutputStream out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(csv), 1 << 16)) {
                    new org.postgresql.copy.CopyManager(connection.unwrap(org.postgresql.core.BaseConnection.class))
                            .copyOut("COPY (SELECT " + select + " FROM " + model.asSubquery() + ") TO STDOUT WITH (FORMAT csv, NULL '\\N')", out);
                }
                return EngineStaging.load(engine, columns.stream().map(PostgresSource::staged).toList(), csv);
            } finally {
                java.nio.file.Files.deleteIfExists(csv);
            }
        } catch (java.io.IOException e) {
            throw dev.sluice.error.SluiceException.external("sources." + name + ": cannot stage rows in the engine: " + e.getMessage(), e);
        }
    }

    @Override
    public java.util.Optional<WarehouseState> warehouseState() {
        return java.util.Optional.of(new PostgresWarehouseState(stateSchema == null ? DEFAULT_STATE_SCHEMA : stateSchema, user));
    }

    static String exportExpression(Column column) {
        String c = "\"" + column.name().replace("\"", "\"\"") + "\"";
        return exported(column, c) + " AS " + c;
    }

    /**
     * A column's value as COPY sends it to the engine: binary as base64, an array as a JSON array
     * ({@code array_to_json}: {@code {1,2}} becomes {@code [1,2]}), the rest as PostgreSQL writes it.
     */
    static String exported(Column column, String expression) {
        if (column.type() == LogicalType.BINARY) {
            return "translate(encode(" + expression + ", 'base64'), E'\\n', '')";
        }
        return isArray(column) ? "array_to_json(" + expression + ")" : expression;
    }

    /** The column as the engine receives it: an array arrives as JSON. */
    static Column staged(Column column) {
        return isArray(column) ? new Column(column.name(), LogicalType.OTHER, "json", 0, 0) : column;
    }

    /** PostgreSQL names an array type after its element with a leading underscore: {@code _int4}, {@code _text}. */
    private static boolean isArray(Column column) {
        return column.sourceType().startsWith("_");
    }

    @Override
    public String describe() {
        return "PostgreSQL at " + Secrets.maskUrl(url.substring("jdbc:".length())) + (user == null ? "" : " as " + user);
    }

    @Override
    public String lineageNamespace() {
        String namespace = Source.namespaceOfJdbcUrl(url, "postgres", 5432);
        return namespace != null ? namespace : "postgres://localhost:5432";
    }

    @Override
    public String toString() {
        return "PostgresSource[" + name + ", " + describe() + "]";
    }
}
