package dev.ember.examples;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code spark-submit} commands of README.md's "## Use it" section, as the integration tests run them: each
 * command is one logical shell line (continuation backslashes joined) of a fenced code block in that section.
 * Reading them from the README keeps the documented commands and the tested ones the same.
 */
final class ReadmeCommands {
    static final String SECTION = "## Use it";

    private ReadmeCommands() {}

    /** The spark-submit commands of the README at {@code readme}. */
    static List<String> sparkSubmitCommands(Path readme) throws IOException {
        requireNonNull(readme, "readme is null");
        return sparkSubmitCommands(Files.readString(readme));
    }

    /**
     * The spark-submit commands of README text.
     *
     * @throws IllegalArgumentException if the text has no "## Use it" section or the section has no command
     */
    static List<String> sparkSubmitCommands(String readme) {
        requireNonNull(readme, "readme is null");
        List<String> section = section(readme);
        List<String> commands = new ArrayList<>();
        boolean inBlock = false;
        StringBuilder logical = null;
        for (String line : section) {
            if (line.startsWith("```")) {
                inBlock = !inBlock;
                logical = null;
                continue;
            }
            if (!inBlock) {
                continue;
            }
            String text = logical == null ? line.strip() : " " + line.strip();
            boolean continues = text.endsWith("\\");
            if (continues) {
                text = text.substring(0, text.length() - 1).stripTrailing();
            }
            logical = logical == null ? new StringBuilder(text) : logical.append(text);
            if (!continues) {
                String command = logical.toString().strip();
                if (command.startsWith("spark-submit ")) {
                    commands.add(command);
                }
                logical = null;
            }
        }
        if (commands.isEmpty()) {
            throw new IllegalArgumentException("README.md's \"" + SECTION + "\" section has no spark-submit command in"
                    + " a code block; the integration tests run those commands, so keep at least one there");
        }
        return commands;
    }

    /**
     * The words of a command, split at spaces.
     *
     * @throws IllegalArgumentException if the command uses shell quoting, variables or comments, which the
     *     tests do not interpret (keep README commands plain)
     */
    static List<String> words(String command) {
        requireNonNull(command, "command is null");
        for (char special : new char[] {'"', '\'', '$', '#', '`', ';', '|', '&', '<', '>'}) {
            if (command.indexOf(special) >= 0) {
                throw new IllegalArgumentException("the README command '" + command + "' uses '" + special
                        + "'; keep spark-submit commands in README.md plain words so tests can derive the run without"
                        + " Ember");
            }
        }
        return List.of(command.strip().split("\\s+"));
    }

    private static List<String> section(String readme) {
        List<String> lines = List.of(readme.split("\n", -1));
        int start = -1;
        for (int index = 0; index < lines.size(); index++) {
            if (lines.get(index).strip().equals(SECTION)) {
                start = index + 1;
                break;
            }
        }
        if (start < 0) {
            throw new IllegalArgumentException("README.md has no \"" + SECTION + "\" section");
        }
        int end = lines.size();
        boolean inBlock = false;
        for (int index = start; index < lines.size(); index++) {
            String line = lines.get(index);
            if (line.startsWith("```")) {
                inBlock = !inBlock;
            } else if (!inBlock && line.startsWith("## ")) {
                end = index;
                break;
            }
        }
        return lines.subList(start, end);
    }
}
