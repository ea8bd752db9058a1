package dev.sluice.source.postgres;

import dev.sluice.error.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * What libpq takes from the environment when a connection setting is not given: {@code PGHOST},
 * {@code PGPORT}, {@code PGDATABASE}, {@code PGUSER}, {@code PGPASSWORD}, {@code PGSSLMODE},
 * {@code PGAPPNAME}, and the password file ({@code PGPASSFILE}, else {@code ~/.pgpass}), read as
 * libpq reads it: lines {@code host:port:database:user:password}, {@code *} matching anything,
 * {@code \:} and {@code \\} escaping, the first matching line winning, and the file ignored when
 * its group or others may read it. Every password found is registered as a secret.
 */
final class PgEnvironment {
    private final Function<String, String> env;
    private final Path home;
    private final String osUser;

    PgEnvironment(Function<String, String> env, Path home, String osUser) {
        this.env = env;
        this.home = home;
        this.osUser = osUser;
    }

    static PgEnvironment system() {
        return new PgEnvironment(System::getenv, Path.of(System.getProperty("user.home", ".")), System.getProperty("user.name"));
    }

    /** The variable's value, or null when it is unset or empty. */
    String get(String name) {
        String value = env.apply(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (name.equals("PGPASSWORD")) {
            Secrets.register(value);
        }
        return value;
    }

    String host() {
        String host = get("PGHOST");
        return host == null ? "localhost" : host;
    }

    int port() {
        String port = get("PGPORT");
        if (port == null) {
            return 5432;
        }
        try {
            int number = Integer.parseInt(port.trim());
            if (number >= 1 && number <= 65535) {
                return number;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("the environment variable PGPORT must be a port from 1 to 65535, got '" + port + "'");
    }

    /** PGUSER, else the operating system's user name, as libpq. */
    String user() {
        String user = get("PGUSER");
        return user == null ? osUser : user;
    }

    /** PGDATABASE, else the user name, as libpq. */
    String database(String user) {
        String database = get("PGDATABASE");
        return database == null ? user : database;
    }

    /** PGPASSWORD, else the password file's first line matching these; null when neither gives one. */
    String password(String host, int port, String database, String user) {
        String password = get("PGPASSWORD");
        return password != null ? password : passFile(host, port, database, user);
    }

    /** The password file's password for these, or null (no file, a file others may read, no matching line). */
    String passFile(String host, int port, String database, String user) {
        String configured = get("PGPASSFILE");
        Path file = configured != null ? Path.of(configured) : home.resolve(".pgpass");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                return null; // libpq ignores a password file that others may read
            }
        } catch (UnsupportedOperationException | IOException e) {
            // no POSIX permissions here: read it as libpq on such systems does
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return null;
        }
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> fields = fields(line);
            if (fields.size() < 5) {
                continue;
            }
            if (matches(fields.get(0), host) && matches(fields.get(1), Integer.toString(port)) && matches(fields.get(2), database)
                    && matches(fields.get(3), user)) {
                String password = fields.get(4);
                Secrets.register(password);
                return password;
            }
        }
        return null;
    }

    private static boolean matches(String field, String value) {
        return field.equals("*") || field.equals(value);
    }

    /** A password-file line split at unescaped colons, escapes undone; the last field takes the rest of the line. */
    private static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                field.append(line.charAt(++i));
            } else if (c == ':' && fields.size() < 4) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
