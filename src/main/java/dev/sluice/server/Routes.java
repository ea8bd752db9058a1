package dev.sluice.server;

import io.javalin.http.Handler;
import io.javalin.config.RoutesConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The server's routes, registered with Javalin and remembered per path, so that a request with a
 * method a known path does not answer gets 405 with an {@code Allow} header naming the ones it does.
 */
final class Routes {
    private final RoutesConfig routes;
    private final Map<String, Pattern> patterns = new LinkedHashMap<>();
    private final Map<String, List<String>> methods = new LinkedHashMap<>();

    Routes(RoutesConfig routes) {
        this.routes = routes;
    }

    void get(String path, Handler handler) {
        routes.get(path, handler);
        remember("GET", path);
    }

    void post(String path, Handler handler) {
        routes.post(path, handler);
        remember("POST", path);
    }

    void put(String path, Handler handler) {
        routes.put(path, handler);
        remember("PUT", path);
    }

    void delete(String path, Handler handler) {
        routes.delete(path, handler);
        remember("DELETE", path);
    }

    /** One route: a method and a path as registered ({@code /api/activations/{name}}). */
    record Route(String method, String path) {}

    /** Every route, in registration order. */
    List<Route> all() {
        List<Route> all = new ArrayList<>();
        methods.forEach((path, list) -> list.forEach(method -> all.add(new Route(method, path))));
        return all;
    }

    /** The methods answered on {@code path} (a request's path), in registration order; empty when none. */
    List<String> methods(String path) {
        List<String> found = new ArrayList<>();
        patterns.forEach((route, pattern) -> {
            if (pattern.matcher(path).matches()) {
                methods.get(route).stream().filter(m -> !found.contains(m)).forEach(found::add);
            }
        });
        return found;
    }

    private void remember(String method, String path) {
        patterns.computeIfAbsent(path, p -> Pattern.compile(
                java.util.Arrays.stream(p.split("/", -1)).map(part -> part.startsWith("{") ? "[^/]+" : Pattern.quote(part))
                        .reduce((a, b) -> a + "/" + b).orElse("")));
        methods.computeIfAbsent(path, p -> new ArrayList<>()).add(method);
    }
}
