package dev.sluice.source.postgres;

import dev.sluice.source.WarehouseState;
import dev.sluice.source.EngineStaging;

import dev.sluice.engine.Column;
import dev.sluice.engine.ColumnTypes;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * PostgreSQL's side of {@code state: source}: rows hashed with {@code md5} over the row's text
 * form (stable across PostgreSQL versions, unlike an engine's internal hash), rows out through
 * {@code COPY … TO STDOUT}.
 */
record PostgresWarehouseState(String schema, String user) implements WarehouseState {

    /**
     * The comparison joins two tables of the model's size; with PostgreSQL's default 4 MB of
     * work_mem the hash join spills in batches (a 2 M-row FULL OUTER JOIN: 1.6 s, 0.9 s with 256 MB,
     * measured here). This session only.
     */
    @Override
    public List<String> sessionSettings() {
        return List.of("SET TIME ZONE 'UTC'", "SET work_mem = '128MB'");
    }

    @Override
    public List<String> createStateSchema(String metaTable) {
        return List.of("CREATE SCHEMA IF NOT EXISTS " + schema, "CREATE TABLE IF NOT EXISTS " + metaTable + " (activation text PRIMARY KEY, "
                + "run text NOT NULL, fingerprint text NOT NULL, state_table text NOT NULL, committed_at text NOT NULL)");
    }

    @Override
    public List<String> createChangeLog(String table, String keysSelect) {
        return List.of("CREATE TABLE IF NOT EXISTS " + table + " AS SELECT CAST(NULL AS text) AS sluice_run_id, CAST(NULL AS text) "
                + "AS sluice_change, CAST(NULL AS text) AS sluice_committed_at, q.* FROM (" + keysSelect + ") AS q WHERE false");
    }

    @Override
    public String recordSnapshot(String metaTable) {
        return "INSERT INTO " + metaTable + " (activation, run, fingerprint, state_table, committed_at) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (activation) DO UPDATE SET run = EXCLUDED.run, fingerprint = EXCLUDED.fingerprint, "
                + "state_table = EXCLUDED.state_table, committed_at = EXCLUDED.committed_at";
    }

    @Override
    public List<String> createTempTable(String table, String select) {
        return List.of("DROP TABLE IF EXISTS " + table, "CREATE TEMP TABLE " + table + " AS " + select);
    }

    /** The planner needs statistics of the tables it joins (without them it hashes the big side). */
    @Override
    public List<String> gatherStatistics(String table) {
        return List.of("ANALYZE " + table);
    }

    @Override
    public String deleteKeys(String table, List<String> keys, String keysSelect) {
        return "DELETE FROM " + table + " t USING " + keysSelect + " c WHERE "
                + keys.stream().map(k -> "t." + k + " = c." + k).collect(java.util.stream.Collectors.joining(" AND "));
    }

    /** insufficient_privilege */
    @Override
    public boolean privilegeDenied(SQLException cause) {
        return "42501".equals(cause.getSQLState());
    }

    /** undefined_table, invalid_schema_name */
    @Override
    public boolean stateMissing(SQLException cause) {
        return "42P01".equals(cause.getSQLState()) || "3F000".equals(cause.getSQLState());
    }

    @Override
    public String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    @Override
    public String rowHash(List<String> expressions) {
        return "md5(ROW(" + String.join(", ", expressions) + ")::text)";
    }

    @Override
    public String asText(String expression) {
        return "CAST(" + expression + " AS text)";
    }

    @Override
    public String exported(Column column, String expression) {
        return PostgresSource.exported(column, expression);
    }

    @Override
    public void load(dev.sluice.engine.Engine engine, List<Column> columns, Path csv, String table) throws SQLException {
        EngineStaging.load(engine, columns.stream().map(PostgresSource::staged).toList(), csv, table);
    }

    @Override
    public List<Column> describe(Connection connection, String select) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT * FROM (" + select + ") AS sluice_q WHERE 1 = 0")) {
            return ColumnTypes.columns(rs.getMetaData());
        }
    }

    @Override
    public long copyOut(Connection connection, String select, Path csv) throws SQLException, IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(csv), 1 << 16)) {
            return new org.postgresql.copy.CopyManager(connection.unwrap(org.postgresql.core.BaseConnection.class))
                    .copyOut("COPY (" + select + ") TO STDOUT WITH (FORMAT csv, NULL '\\N')", out);
        }
    }

    @Override
    public String missingPrivilege(SQLException cause) {
        if (privilegeDenied(cause)) {
            return "the user " + (user == null ? "" : user + " ") + "may not create the schema " + schema
                    + " or tables in it (" + cause.getMessage().strip() + "): grant it with GRANT CREATE ON DATABASE … TO "
                    + (user == null ? "the user" : user) + ", or create the schema and GRANT CREATE, USAGE ON SCHEMA " + schema
                    + " TO " + (user == null ? "the user" : user) + ", or set state_schema to a schema it may create tables in";
        }
        return cause.getMessage().strip();
    }
}
