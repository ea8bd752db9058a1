package dev.sluice.server;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Checks the server's token ({@code SLUICE_TOKEN}) on every request, pages and API alike: an
 * {@code Authorization: Bearer TOKEN} header, or the cookie a browser gets by opening
 * {@code /?token=TOKEN} once. Comparison takes the same time whatever the token. {@code POST /api/hooks/NAME}
 * is the one exception: it is authenticated by its signature instead.
 */
public final class TokenAuth {
    static final String COOKIE = "sluice_token";

    private final byte[] token;

    /** No token: every request passes (loopback only; {@code sluice serve} refuses otherwise). */
    public TokenAuth(String token) {
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    public boolean required() {
        return token != null;
    }

    /** Whether the request may go on; answers it (401, or a redirect that sets the cookie) when not. */
    boolean admit(Context ctx) {
        if (token == null || signedHook(ctx)) {
            return true;
        }
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && matches(header.substring(7).trim())) {
            return true;
        }
        if (matches(ctx.cookie(COOKIE))) {
            return true;
        }
        String query = ctx.queryParam("token");
        if (query != null && matches(query) && "GET".equals(ctx.method().name()) && !ctx.path().startsWith("/api/")
                && !ctx.path().equals("/metrics")) {
            ctx.header("Set-Cookie", COOKIE + "=" + query + "; Path=/; HttpOnly; SameSite=Strict");
            ctx.redirect(ctx.path());
            return false;
        }
        if (ctx.path().startsWith("/api/") || ctx.path().equals("/metrics")) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"sluice\"");
            ProblemDetails.send(ctx, new ApiError(401, "Token required",
                    "this server needs its token: send the header 'Authorization: Bearer TOKEN' (the value of SLUICE_TOKEN)",
                    List.of()));
        } else {
            ctx.status(401).contentType("text/html; charset=utf-8").result("<!doctype html><meta charset=utf-8>"
                    + "<title>Sluice: token required</title><body style=\"font-family:sans-serif;margin:3em\">"
                    + "<h1>Token required</h1><p>This Sluice server needs its token. Open <code>"
                    + "/?token=TOKEN</code> once, with the value of <code>SLUICE_TOKEN</code> the server was started with.</p>");
        }
        return false;
    }

    /** {@code POST /api/hooks/NAME}: its signature is its authentication (HookApi), so it needs no token. */
    static boolean signedHook(Context ctx) {
        return "POST".equals(ctx.method().name()) && ctx.path().startsWith(CrossSiteGuard.EXEMPT_PREFIX);
    }

    private boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
    }
}
