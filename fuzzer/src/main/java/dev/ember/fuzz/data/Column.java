package dev.ember.fuzz.data;

import static java.util.Objects.requireNonNull;

import dev.ember.fuzz.FuzzType;

/** A column of a generated table. */
public record Column(String name, FuzzType type) {
    public Column {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }
}
