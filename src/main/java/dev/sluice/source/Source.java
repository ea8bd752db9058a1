package dev.sluice.source;


import java.sql.Connection;

/**
 * Where rows come from. Each built-in type is listed in {@code source.types.SourceTypes}; each implementation
 * parses and validates its own settings.
 */
public interface Source {
    /** The source's name in the workspace. */
    String name();

    /** The workspace {@code type} value. */
    String type();

    /**
     * Opens a new connection. A failure is a {@link dev.sluice.error.SluiceException} naming the
     * source: a user error when the settings are wrong (bad password, unknown database), an
     * external failure otherwise.
     */
    Connection connect();

    /** Where the source is, for messages: never holds a secret. */
    /**
     * The OpenLineage namespace of the datasets it holds (docs/workspace.md#lineage): {@code scheme://host:port}
     * for a database server, {@code duckdb://PATH}, {@code bigquery}; by default its type.
     */
    default String lineageNamespace() {
        return type();
    }

    /** {@code scheme://host:port} of a JDBC URL ({@code jdbc:postgresql://h/db} → {@code postgres://h:5432}); null when it has no host. */
    static String namespaceOfJdbcUrl(String url, String scheme, int defaultPort) {
        try {
            java.net.URI uri = new java.net.URI(url.startsWith("jdbc:") ? url.substring(5) : url);
            if (uri.getHost() == null) {
                return null;
            }
            return (scheme != null ? scheme : uri.getScheme()) + "://" + uri.getHost() + ":" + (uri.getPort() >= 0 ? uri.getPort() : defaultPort);
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    String describe();

    /**
     * Makes the model's rows readable inside the run's engine and returns the relation to select
     * from (a subquery or a table name). A DuckDB source is queried in place; other sources are
     * copied in through a bulk path.
     */
    String loadInto(dev.sluice.engine.Engine engine, Model model) throws java.sql.SQLException;

    /**
     * Whether the relation {@link #loadInto} returns can be read twice in one run with the same
     * result: a copy loaded into the engine can, and so can a database. A run that can read it
     * twice keeps only keys and hashes and reads values again where it needs them.
     */
    default boolean readableTwice() {
        return true;
    }

    /** How this source keeps activations' snapshots inside itself ({@code state: source}); empty when it cannot. */
    default java.util.Optional<WarehouseState> warehouseState() {
        return java.util.Optional.empty();
    }

    /**
     * A session for the catalog (columns without rows, preview queries); by default on a
     * connection from {@link #connect()}. Sources without a JDBC driver give their own.
     */
    default SourceSession session() {
        return new JdbcSession(connect());
    }

    /**
     * Whether the source bills a run by the bytes its statements process (BigQuery on demand):
     * such a source {@link #estimate}s them, and the guard {@code max_bytes_billed} applies to it.
     */
    default boolean billsBytes() {
        return false;
    }

    /**
     * The statements that reading {@code model} into a run would have the source bill, each with
     * the bytes its dry run says it would process; nothing is billed. Empty for a source that does
     * not bill by bytes.
     */
    default java.util.List<BilledStatement> estimate(Model model) {
        return java.util.List.of();
    }

    /** The most bytes the source lets one job bill ({@code maximum_bytes_billed}); null when unlimited or not billed by bytes. */
    default Long maximumBytesBilled() {
        return null;
    }

    /**
     * {@code sluice check SOURCE}: connects and runs a trivial query; a source that can plan
     * queries without running them may also plan the {@code models} it serves. Returns what was
     * checked; a failure is a {@link dev.sluice.error.SluiceException} naming the source and what to do.
     */
    default String check(java.util.List<Model> models) {
        try (Connection c = connect(); java.sql.Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        } catch (java.sql.SQLException e) {
            throw dev.sluice.error.SluiceException.external("sources." + name() + ": " + e.getMessage().strip(), e);
        }
        return "connected and ran a query";
    }
}
