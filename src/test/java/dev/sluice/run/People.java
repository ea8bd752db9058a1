package dev.sluice.run;

import java.util.List;

/**
 * The test table and the changes made to it between syncs. Rows are keyed by (region, id); the
 * {@code EU} rows alone are keyed by id, so single-key scenarios export {@code region = 'EU'}.
 * Between them the steps add rows, update rows, delete rows, re-add a deleted key (with new values
 * and with its old values), set values to NULL and back, change nothing, and change a column that
 * mappings leave out.
 */
final class People {
    private People() {}

    static final List<String> COLUMNS = List.of("region", "id", "name", "city", "score", "born", "amount", "active", "note");

    static final String CREATE = """
            CREATE OR REPLACE TABLE people (region VARCHAR, id INTEGER, name VARCHAR, city VARCHAR, score INTEGER,
                                            born DATE, amount DECIMAL(10, 2), active BOOLEAN, note VARCHAR)""";

    static final String INITIAL = """
            INSERT INTO people VALUES
              ('EU', 1, 'Ann', 'Paris', 10, '1990-01-02', 12.50, true, 'a'),
              ('EU', 2, 'Bob', NULL, 20, '1985-05-06', 0.00, false, 'b'),
              ('EU', 3, 'Chloé, "the" first; ok', 'Lyon', 30, NULL, -3.25, NULL, 'c'),
              ('EU', 4, 'Dan', 'Nice', NULL, '2000-12-31', NULL, true, 'd'),
              ('EU', 5, 'Eve <&> Ünïcødé ✓', 'Rome', 50, '1970-07-07', 1000000.01, false, 'e'),
              ('US', 1, 'Abe', 'NYC', 11, '1991-01-01', 1.10, true, 'x'),
              ('US', 2, 'Ben', 'LA', 21, NULL, 2.20, false, 'y')""";

    /** The changes before sync 2, 3, … (index 0 comes before the second sync). */
    static final List<List<String>> STEPS = List.of(
            List.of(// adds, an update, deletes, updates to NULL
                    "INSERT INTO people VALUES ('EU', 6, 'Fay', 'Oslo', 60, '1999-09-09', 6.60, true, 'f'), "
                            + "('EU', 7, 'Gus', 'Kyiv', 70, NULL, 7.70, NULL, 'g'), ('US', 3, 'Cal', 'SF', 31, NULL, 3.30, true, 'z')",
                    "UPDATE people SET name = 'Bobby' WHERE region = 'EU' AND id = 2",
                    "DELETE FROM people WHERE region = 'EU' AND id = 4",
                    "UPDATE people SET city = NULL, amount = NULL WHERE region = 'EU' AND id = 1",
                    "DELETE FROM people WHERE region = 'US' AND id = 2"),
            List.of(), // nothing changes
            List.of(// deleted keys re-added (new values; old values), NULL back to a value, a value to NULL, a delete,
                    // and a change only to the note, which mappings leave out
                    "INSERT INTO people VALUES ('EU', 4, 'Dana', 'Nice', 44, '2000-12-31', 4.40, false, 'd2'), "
                            + "('US', 2, 'Ben', 'LA', 21, NULL, 2.20, false, 'y')",
                    "UPDATE people SET city = 'Paris', amount = 12.5 WHERE region = 'EU' AND id = 1",
                    "UPDATE people SET score = NULL WHERE region = 'EU' AND id = 3",
                    "DELETE FROM people WHERE region = 'EU' AND id = 6",
                    "UPDATE people SET note = 'changed' WHERE region = 'EU' AND id = 5"),
            List.of(// NULL back to a value, a delete, an add, an update of the other region
                    "UPDATE people SET score = 33 WHERE region = 'EU' AND id = 3",
                    "DELETE FROM people WHERE region = 'EU' AND id = 2",
                    "INSERT INTO people VALUES ('EU', 8, 'Hal', 'Bern', 80, '1980-08-08', 8.80, true, 'h')",
                    "UPDATE people SET name = 'Abraham' WHERE region = 'US' AND id = 1"),
            List.of(// the last exported values of a row updated earlier go out as removed; more updates to NULL
                    "UPDATE people SET born = '2001-01-01', active = true WHERE region = 'EU' AND id = 7",
                    "DELETE FROM people WHERE region = 'EU' AND id = 1",
                    "UPDATE people SET city = NULL WHERE region = 'EU' AND id = 5",
                    "UPDATE people SET note = 'n6' WHERE region = 'US'"));

    static void create(Fixture fx) {
        fx.sql(CREATE, INITIAL);
    }

    static void step(Fixture fx, int index) {
        fx.sql(STEPS.get(index).toArray(String[]::new));
    }

    /** The workspace header: the source, a model of the EU rows keyed by id and one of every row keyed by (region, id). */
    static final String WORKSPACE = """
            sources:
              warehouse: {type: duckdb, path: warehouse.duckdb}
            models:
              eu_people:
                source: warehouse
                sql: SELECT region, id, name, city, score, born, amount, active, note FROM people WHERE region = 'EU'
                primary_key: [id]
              all_people:
                source: warehouse
                sql: SELECT region, id, name, city, score, born, amount, active, note FROM people
                primary_key: [region, id]
            destinations:
              out: {type: local, path: out}
            activations:
            """;

    static final String EU_SQL = "SELECT * FROM people WHERE region = 'EU'";
    static final String ALL_SQL = "SELECT * FROM people";
}
