package dev.sluice.error;

import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every secret value Sluice has read (passwords, keys, tokens), so that any text leaving the
 * process — messages, logs, records — can be scrubbed of them. Values shorter than four characters
 * are not registered: replacing them would mangle ordinary text and they protect nothing.
 *
 * <p>Besides registered values, {@link #redact} masks credentials written inside URLs wherever they
 * appear in a text: the password of {@code scheme://user:password@host} and the value of
 * password-like parameters ({@code ?password=…}, {@code ;pwd=…}, {@code &token=…}), whatever their
 * length, so that a URL quoted by a driver's message does not carry its password out.
 */
public final class Secrets {
    public static final String MASK = "****";
    private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();

    /** Parameter names whose values are secrets, in URLs and driver properties (case-insensitive). */
    private static final String SECRET_NAMES =
            "password|passwd|pwd|pass|secret|client_secret|token|access_token|auth_token|apikey|api_key|private_key|sslpassword|credentials";

    /** {@code //user:password@} in a URL: group 1 is everything before the password. */
    private static final Pattern USERINFO = Pattern.compile("(//[^/?#@\\s:'\"]*:)([^/?#@\\s'\"]*)@");

    /**
     * {@code password=value} as a URL or connection-string parameter, after {@code ? & ;}: group 1
     * up to '='. Free text ({@code WHERE password = 'x'} in a query) is left alone.
     */
    private static final Pattern PARAMETER = Pattern.compile(
            "(?i)([?&;]\\s*(?:" + SECRET_NAMES + ")\\s*=)([^&;#\\s'\"]+)");

    private static final Pattern SECRET_NAME = Pattern.compile("(?i)(?:" + SECRET_NAMES + ")");

    private Secrets() {}

    public static void register(String value) {
        if (value != null && value.length() >= 4) {
            VALUES.add(value);
        }
    }

    /** True when a setting or URL parameter of this name holds a secret (password, token, …). */
    public static boolean isSecretName(String name) {
        return name != null && SECRET_NAME.matcher(name.strip()).matches();
    }

    /**
     * Registers the credentials written inside {@code url} (the password of its user info and the
     * values of password-like parameters), so that they are scrubbed wherever they appear later,
     * URL-decoded form included.
     */
    public static void registerUrl(String url) {
        if (url == null) {
            return;
        }
        for (Pattern pattern : new Pattern[] {USERINFO, PARAMETER}) {
            Matcher m = pattern.matcher(url);
            while (m.find()) {
                String value = m.group(2);
                register(value);
                try {
                    register(java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    // not URL-encoded: registered as written
                }
            }
        }
    }

    /** Returns {@code url} with the credentials written inside it replaced by {@value #MASK}. */
    public static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        String result = USERINFO.matcher(url).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + "@"));
        return PARAMETER.matcher(result).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
    }

    /**
     * Returns {@code text} with every registered secret, and every credential written inside a URL,
     * replaced by {@value #MASK}.
     */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = maskUrl(text);
        for (String secret : VALUES) {
            if (result.contains(secret)) {
                result = result.replace(secret, MASK);
            }
        }
        return result;
    }

    static Set<String> registered() {
        return Collections.unmodifiableSet(VALUES);
    }
}
