package dev.ember.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Ember's version, as the build wrote it (the filtered resource {@code dev/ember/ember-version.properties}). */
public final class EmberVersion {
    private static final String VERSION = load();

    private EmberVersion() {}

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = EmberVersion.class.getResourceAsStream("/dev/ember/ember-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
