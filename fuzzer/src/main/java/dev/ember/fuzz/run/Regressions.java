package dev.ember.fuzz.run;

import dev.ember.fuzz.data.TableParameters;
import dev.ember.fuzz.generate.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checked-in list of differences the fuzzer found: {@code dev/ember/fuzz/regressions.sql}, replayed
 * by every fuzz test run and by {@code bin/ember fuzz --regressions}.
 *
 * <p>An entry is a reproducer as {@link FuzzCase#reproducer(String)} prints it: {@code -- key: value}
 * header lines (at least {@code tables:}; also {@code origin:}, {@code shapes:}, {@code ordered:}, and
 * {@code errors:}, the errors a case that holds two error conditions may end with; any others, such as
 * {@code difference:} or {@code known:}, kept as notes), then the SQL, which ends
 * with a line ending in {@code ;}. Header lines that start {@code --   } (table descriptions) and blank
 * lines between entries are ignored.
 */
public final class Regressions {
    /** The resource that holds the checked-in entries. */
    public static final String RESOURCE = "/dev/ember/fuzz/regressions.sql";

    private Regressions() {}

    /** A regression: the case to replay and its header notes. */
    public record Entry(FuzzCase fuzzCase, Map<String, String> notes) {
        public Entry {
            notes = Map.copyOf(notes);
        }

        /**
         * The errors either run may end with, from the {@code errors:} note (identities separated by
         * {@code |}): a case that holds two error conditions (see {@link DifferentialRunner#run(String,
         * boolean, java.util.Set)}); empty for every other case.
         */
        public Set<String> eitherError() {
            String listed = notes.getOrDefault("errors", "");
            return listed.isBlank() ? Set.of()
                    : Arrays.stream(listed.split("\\|")).map(String::strip).collect(Collectors.toSet());
        }

        /** The entry's name for reports: its {@code name:} note, else its origin. */
        public String name() {
            return notes.getOrDefault("name", fuzzCase.origin());
        }
    }

    /** The checked-in entries. */
    public static List<Entry> bundled() {
        try (InputStream in = Regressions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entries of a file in the same form. */
    public static List<Entry> read(java.nio.file.Path file) {
        try {
            return parse(java.nio.file.Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads entries from {@code text}. */
    public static List<Entry> parse(String text) {
        List<Entry> entries = new ArrayList<>();
        Map<String, String> header = new LinkedHashMap<>();
        StringBuilder sql = new StringBuilder();
        int lineNumber = 0;
        for (String line : text.split("\n", -1)) {
            lineNumber++;
            String stripped = line.strip();
            if (sql.length() == 0 && (stripped.isEmpty() || stripped.startsWith("--   "))) {
                continue;
            }
            if (sql.length() == 0 && stripped.startsWith("--")) {
                int colon = stripped.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                header.put(stripped.substring(2, colon).strip(), stripped.substring(colon + 1).strip());
                continue;
            }
            sql.append(sql.length() == 0 ? "" : "\n").append(line);
            if (stripped.endsWith(";")) {
                entries.add(entry(header, sql.substring(0, sql.lastIndexOf(";")).strip(), lineNumber));
                header = new LinkedHashMap<>();
                sql.setLength(0);
            }
        }
        if (sql.length() > 0) {
            throw new IllegalArgumentException("regression entry without a closing ';' at line " + lineNumber);
        }
        return entries;
    }

    private static Entry entry(Map<String, String> header, String sql, int lineNumber) {
        String tables = header.get("tables");
        if (tables == null) {
            throw new IllegalArgumentException("regression entry ending at line " + lineNumber + " has no '-- tables:' line");
        }
        Set<Shape> shapes = EnumSet.noneOf(Shape.class);
        String listed = header.getOrDefault("shapes", "");
        if (!listed.isBlank()) {
            Arrays.stream(listed.split(",")).map(String::strip).map(Shape::valueOf).forEach(shapes::add);
        }
        FuzzCase fuzzCase = new FuzzCase(TableParameters.parse(tables), header.getOrDefault("origin", "regression"),
                sql, Boolean.parseBoolean(header.getOrDefault("ordered", "false")), shapes);
        return new Entry(fuzzCase, header);
    }
}
