package dev.ember.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * One declared configuration: key, type, default and documentation. Declared once, in {@link EmberConf};
 * the config reference in {@code docs/configs.md} is generated from these declarations.
 *
 * @param <T> the parsed value's type
 */
public final class ConfigEntry<T> {

    /** When a value is read: per query from the session, or once when the application starts. */
    public enum Scope {
        /** Read from the session's SQL conf at planning time; {@code spark.conf.set} changes it. */
        SESSION,
        /** Read from the SparkConf when the application starts. */
        STARTUP
    }

    private final String key;
    private final String typeName;
    private final T defaultValue;
    private final String doc;
    private final Scope scope;
    private final Function<String, T> parser;

    private ConfigEntry(String key, String typeName, T defaultValue, String doc, Scope scope,
            Function<String, T> parser) {
        this.key = requireNonNull(key, "key is null");
        this.typeName = requireNonNull(typeName, "typeName is null");
        this.defaultValue = requireNonNull(defaultValue, "defaultValue is null");
        this.doc = requireNonNull(doc, "doc is null");
        this.scope = requireNonNull(scope, "scope is null");
        this.parser = requireNonNull(parser, "parser is null");
    }

    public static ConfigEntry<Boolean> booleanEntry(String key, boolean defaultValue, Scope scope, String doc) {
        return new ConfigEntry<>(key, "boolean", defaultValue, doc, scope, raw -> {
            String value = raw.trim().toLowerCase(Locale.ROOT);
            if (value.equals("true")) {
                return true;
            }
            if (value.equals("false")) {
                return false;
            }
            throw new IllegalArgumentException("expected true or false");
        });
    }

    public static ConfigEntry<Long> longEntry(String key, long defaultValue, long min, long max, Scope scope,
            String doc) {
        return new ConfigEntry<>(key, "long", defaultValue, doc, scope, raw -> {
            long value = parseSize(raw);
            if (value < min || value > max) {
                throw new IllegalArgumentException("expected a value between " + min + " and " + max);
            }
            return value;
        });
    }

    public static ConfigEntry<Integer> intEntry(String key, int defaultValue, int min, int max, Scope scope,
            String doc) {
        return new ConfigEntry<>(key, "int", defaultValue, doc, scope, raw -> {
            int value;
            try {
                value = Integer.parseInt(raw.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected an integer");
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("expected an integer between " + min + " and " + max);
            }
            return value;
        });
    }

    public static ConfigEntry<Double> doubleEntry(String key, double defaultValue, double min, double max,
            Scope scope, String doc) {
        return new ConfigEntry<>(key, "double", defaultValue, doc, scope, raw -> {
            double value;
            try {
                value = Double.parseDouble(raw.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a number");
            }
            if (!(value >= min && value <= max)) {
                throw new IllegalArgumentException("expected a number between " + min + " and " + max);
            }
            return value;
        });
    }

    /** An entry whose value is one of {@code choices}, matched without regard to case. */
    public static ConfigEntry<String> choiceEntry(String key, String defaultValue, List<String> choices,
            Scope scope, String doc) {
        List<String> allowed = List.copyOf(choices);
        return new ConfigEntry<>(key, "one of " + String.join(", ", allowed), defaultValue, doc, scope, raw -> {
            for (String choice : allowed) {
                if (choice.equalsIgnoreCase(raw.trim())) {
                    return choice;
                }
            }
            throw new IllegalArgumentException("expected one of " + String.join(", ", allowed));
        });
    }

    /**
     * An entry of another form, such as {@link OomInjection}: {@code parser} turns a raw value into the
     * value or throws an {@link IllegalArgumentException} whose message says which forms are accepted.
     *
     * @param typeName what the docs list as the entry's type
     */
    public static <T> ConfigEntry<T> entry(String key, String typeName, T defaultValue, Scope scope, String doc,
            Function<String, T> parser) {
        return new ConfigEntry<>(key, typeName, defaultValue, doc, scope, parser);
    }

    public String key() {
        return key;
    }

    public String typeName() {
        return typeName;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String doc() {
        return doc;
    }

    public Scope scope() {
        return scope;
    }

    /**
     * Parses a raw setting; an absent one gives the default.
     *
     * @throws InvalidConfigException naming the key, the bad value and what is expected
     */
    public T parse(Optional<String> raw) {
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            return parser.apply(raw.get());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(key, raw.get(), e.getMessage());
        }
    }

    /** Sizes accept plain numbers and the suffixes k, m, g (powers of 1024). */
    private static long parseSize(String raw) {
        String value = raw.trim().toLowerCase(Locale.ROOT);
        long multiplier = 1;
        if (value.endsWith("b")) {
            value = value.substring(0, value.length() - 1);
        }
        if (value.endsWith("k")) {
            multiplier = 1L << 10;
        } else if (value.endsWith("m")) {
            multiplier = 1L << 20;
        } else if (value.endsWith("g")) {
            multiplier = 1L << 30;
        }
        if (multiplier != 1) {
            value = value.substring(0, value.length() - 1);
        }
        try {
            return Math.multiplyExact(Long.parseLong(value.trim()), multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("expected a whole number, optionally with a k, m or g suffix");
        }
    }
}
