package dev.ember.config;

/** A setting of Ember's that cannot be used; the message names the key, the value and what is expected. */
public final class InvalidConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public InvalidConfigException(String key, String value, String expected) {
        super("Invalid value '" + value + "' for " + key + ": " + expected
                + ". Fix or remove the setting (see docs/configs.md).");
        this.key = key;
    }

    public String key() {
        return key;
    }
}
