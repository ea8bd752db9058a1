package dev.sluice.source.jdbc;

import dev.sluice.source.JdbcProperties;

import dev.sluice.source.Source;
import dev.sluice.source.Model;
import dev.sluice.source.EngineStaging;
import dev.sluice.source.ConnectionErrors;

import dev.sluice.source.PostgresUrl;

import dev.sluice.config.Node;
import dev.sluice.config.SettingSpec;
import dev.sluice.engine.Column;
import dev.sluice.engine.ColumnTypes;
import dev.sluice.error.Secrets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Any database with a JDBC driver on the class path: {@code url}, optional {@code driver} class,
 * {@code user}, {@code password} and {@code properties}.
 */
public record JdbcSource(String name, String url, String driver, String user, String password,
        Map<String, String> properties) implements Source {
    /** {@code ;name=value}, the way some drivers take parameters. */
    private static final java.util.regex.Pattern SEMICOLON_PARAMETER = java.util.regex.Pattern.compile(";\\s*[A-Za-z_][A-Za-z0-9_.]*\\s*=");

    /** The settings of a jdbc source. */
    public static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.typeKey("source", "duckdb"),
            SettingSpec.text("url").asRequired().in("jdbc", 1).help("a JDBC URL starting with jdbc:"),
            SettingSpec.text("driver").absent("none").in("jdbc", 2).help("the driver class, for drivers that do not register themselves"),
            SettingSpec.text("user").absent("none").in("jdbc", 3).help("the user to connect as"),
            SettingSpec.text("password").absent("none").asSecret().in("jdbc", 4).help("never printed"),
            SettingSpec.of("properties", SettingSpec.Kind.PROPERTIES).absent("none").in("jdbc", 5).help("a mapping of driver properties"));

    public static JdbcSource parse(String name, Node node) {
        node.allowKeys(SettingSpec.keys(SETTINGS));
        String url = node.requiredText("url");
        if (url != null && !url.startsWith("jdbc:")) {
            node.problem("url", "must be a JDBC URL starting with jdbc:, got '" + Secrets.maskUrl(url) + "'");
        } else if (url != null && url.startsWith(PostgresUrl.PREFIX)) {
            PostgresUrl.check(node, "url", url);
        } else if (url != null && url.startsWith("jdbc:sqlite:") && SEMICOLON_PARAMETER.matcher(url).find()) {
            node.problem("url", "SQLite's driver reads parameters after '?' (jdbc:sqlite:FILE?name=value), not ';'"
                    + " (it would open a file with the parameters in its name), got '" + Secrets.maskUrl(url) + "'");
        }
        String password = node.text("password", null);
        Secrets.register(password);
        Secrets.registerUrl(url);
        return new JdbcSource(name, url, node.text("driver", null), node.text("user", null),
                password, JdbcProperties.parse(node.get("properties")));
    }

    @Override
    public String type() {
        return "jdbc";
    }

    @Override
    public Connection connect() {
        if (driver != null) {
            try {
                Class.forName(driver);
            } catch (ClassNotFoundException e) {
                throw dev.sluice.error.SluiceException.user("sources." + name + ".driver: class " + driver
                        + " is not on the class path; add the driver's jar to SLUICE_CLASSPATH", e);
            }
        }
        Properties props = new Properties();
        props.putAll(properties);
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        try {
            return DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            throw ConnectionErrors.cannotConnect(this, e);
        }
    }

    /** Reads the model's rows through JDBC into a CSV file the engine loads. */
    @Override
    public String loadInto(dev.sluice.engine.Engine engine, Model model) throws SQLException {
        try (Connection connection = connect();
                java.sql.Statement statement = connection.createStatement()) {
            statement.setFetchSize(10_000);
            try (java.sql.ResultSet rs = statement.executeQuery("SELECT * FROM " + model.asSubquery())) {
                java.util.List<Column> columns = ColumnTypes.columns(rs.getMetaData());
                java.nio.file.Path csv = EngineStaging.tempCsv(engine);
                try {
                    EngineStaging.writeCsv(rs, columns, csv);
                    return EngineStaging.load(engine, columns, csv);
                } finally {
                    java.nio.file.Files.deleteIfExists(csv);
                }
            }
        } catch (java.io.IOException e) {
            throw dev.sluice.error.SluiceException.external("sources." + name + ": cannot stage rows in the engine: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return Secrets.maskUrl(url) + (user == null ? "" : " as " + user);
    }

    @Override
    public String lineageNamespace() {
        String namespace = Source.namespaceOfJdbcUrl(url, null, -1);
        return namespace != null ? namespace.replaceFirst(":-1$", "") : type();
    }

    @Override
    public String toString() {
        return "JdbcSource[" + name + ", " + describe() + "]";
    }
}
