package dev.sluice.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The description of one setting of a workspace entry: its key, what it holds, the values it
 * allows, its default, whether it is required or secret, where a form shows it (group and order)
 * and a one-line help text. Each pluggable type lists its own settings (see {@link Registry});
 * parsers take their accepted keys from these lists, the server serves them ({@code GET
 * /api/schema}) and turns them into the OpenAPI document's schemas, and a test checks them against
 * docs/workspace.md, so a setting is described once.
 *
 * @param key          the key as written in YAML
 * @param kind         what the value is
 * @param allowed      the allowed values of a {@link Kind#CHOICE} (or of a {@link Kind#CHOICE_LIST}'s items); empty otherwise
 * @param defaultValue the default as a value of the setting's kind (text, number, boolean, list); null when the
 *                     setting has no single default value (absent means "none", or depends on another setting)
 * @param defaultText  the default in words, as docs/workspace.md's tables say it (empty when there is none to say)
 * @param required     whether the entry needs it
 * @param secret       whether its value is a secret (never printed, shown as a password field)
 * @param group        the form group it belongs to (a short label)
 * @param order        its place in the form, across groups
 * @param help         one line saying what it does
 * @param appliesTo    the run type × sync mode pairs it applies to, as {@code run_type×sync_mode}; empty: every pair
 * @param children     the keys inside a {@link Kind#OBJECT} (or the entry shape of an {@link Kind#OBJECT_LIST}); empty otherwise
 */
public record SettingSpec(String key, Kind kind, List<String> allowed, Object defaultValue, String defaultText,
        boolean required, boolean secret, String group, int order, String help, List<String> appliesTo,
        List<SettingSpec> children) {

    /** What a setting's value is. */
    public enum Kind {
        /** Free text. */
        TEXT,
        /** A whole number. */
        INTEGER,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** One of {@code allowed}. */
        CHOICE,
        /** A size with a unit ({@code 256MB}) or a bare number of bytes. */
        SIZE,
        /** A whole number of rows or a percentage ({@code 20%}). */
        COUNT_OR_PERCENT,
        /** A duration ({@code 30s}, {@code 15m}). */
        DURATION,
        /** A list of texts. */
        TEXT_LIST,
        /** A list of some of {@code allowed} (or one of them). */
        CHOICE_LIST,
        /** A mapping of the keys in {@code children}. */
        OBJECT,
        /** A list of mappings, each of the keys in {@code children}. */
        OBJECT_LIST,
        /** A mapping of any names to texts (driver properties). */
        PROPERTIES,
        /** Either a choice of {@code allowed} or a mapping whose {@code type} is one of them (a format). */
        TYPED;

        /** The kind's name as the API and the OpenAPI document say it: lower case. */
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public SettingSpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        allowed = List.copyOf(allowed);
        defaultText = defaultText == null ? "" : defaultText;
        group = group == null ? "" : group;
        help = help == null ? "" : help;
        appliesTo = List.copyOf(appliesTo);
        children = List.copyOf(children);
    }

    /** A setting of {@code kind} with no default, not required, not secret, in no group. */
    public static SettingSpec of(String key, Kind kind) {
        return new SettingSpec(key, kind, List.of(), null, "", false, false, "", 0, "", List.of(), List.of());
    }

    public static SettingSpec text(String key) {
        return of(key, Kind.TEXT);
    }

    public static SettingSpec integer(String key) {
        return of(key, Kind.INTEGER);
    }

    public static SettingSpec bool(String key, boolean defaultValue) {
        return of(key, Kind.BOOLEAN).withDefault(defaultValue, String.valueOf(defaultValue));
    }

    /** A choice among the lower-case names of {@code values}, the first being the default unless said otherwise. */
    public static <E extends Enum<E>> SettingSpec choice(String key, Class<E> values) {
        return choice(key, names(values));
    }

    public static SettingSpec choice(String key, List<String> allowed) {
        return of(key, Kind.CHOICE).allowing(allowed);
    }

    /** The lower-case names of an enum's values, in declaration order: the texts a workspace writes. */
    public static <E extends Enum<E>> List<String> names(Class<E> values) {
        return Arrays.stream(values.getEnumConstants()).map(v -> v.name().toLowerCase(Locale.ROOT)).toList();
    }

    public static SettingSpec object(String key, List<SettingSpec> children) {
        return new SettingSpec(key, Kind.OBJECT, List.of(), null, "", false, false, "", 0, "", List.of(), children);
    }

    public static SettingSpec objectList(String key, List<SettingSpec> children) {
        return new SettingSpec(key, Kind.OBJECT_LIST, List.of(), null, "", false, false, "", 0, "", List.of(), children);
    }

    public SettingSpec allowing(List<String> values) {
        return new SettingSpec(key, kind, values, defaultValue, defaultText, required, secret, group, order, help, appliesTo, children);
    }

    /** The default, as a value and as the docs say it. */
    public SettingSpec withDefault(Object value, String text) {
        return new SettingSpec(key, kind, allowed, value, text, required, secret, group, order, help, appliesTo, children);
    }

    /** The default, as a value that the docs write as it is. */
    public SettingSpec withDefault(Object value) {
        return withDefault(value, String.valueOf(value));
    }

    /** No single default value; {@code text} says what absence means. */
    public SettingSpec absent(String text) {
        return withDefault(null, text);
    }

    public SettingSpec asRequired() {
        return new SettingSpec(key, kind, allowed, defaultValue, "required", true, secret, group, order, help, appliesTo, children);
    }

    public SettingSpec asSecret() {
        return new SettingSpec(key, kind, allowed, defaultValue, defaultText, required, true, group, order, help, appliesTo, children);
    }

    public SettingSpec in(String group, int order) {
        return new SettingSpec(key, kind, allowed, defaultValue, defaultText, required, secret, group, order, help, appliesTo, children);
    }

    public SettingSpec help(String text) {
        return new SettingSpec(key, kind, allowed, defaultValue, defaultText, required, secret, group, order, text, appliesTo, children);
    }

    public SettingSpec appliesTo(List<String> pairs) {
        return new SettingSpec(key, kind, allowed, defaultValue, defaultText, required, secret, group, order, help, pairs, children);
    }

    /**
     * The {@code type} key of an entry of a pluggable part ({@code what}: source, destination,
     * notification): required when {@code defaultType} is null.
     */
    public static SettingSpec typeKey(String what, String defaultType) {
        SettingSpec type = text("type").in("type", 0).help("the " + what + "'s type");
        return defaultType == null ? type.asRequired() : type.withDefault(defaultType);
    }

    /** The keys of {@code settings}, in order. */
    public static List<String> keys(List<SettingSpec> settings) {
        return settings.stream().map(SettingSpec::key).toList();
    }

    /** The setting named {@code key} in {@code settings}. */
    public static SettingSpec find(List<SettingSpec> settings, String key) {
        return settings.stream().filter(s -> s.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no setting '" + key + "' in " + keys(settings)));
    }

    /** {@code first} followed by {@code more}, as one list. */
    public static List<SettingSpec> concat(List<SettingSpec> first, List<SettingSpec> more) {
        List<SettingSpec> all = new ArrayList<>(first);
        all.addAll(more);
        return List.copyOf(all);
    }
}
