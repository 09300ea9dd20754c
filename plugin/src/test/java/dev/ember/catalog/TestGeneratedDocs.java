package dev.ember.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed reference docs are what the catalog and the config declarations generate. To refresh
 * them: {@code mvn -q -pl kernels,plugin test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=TestGeneratedDocs -Dember.docs.regenerate=true}.
 */
class TestGeneratedDocs {
    private static final Path DOCS = Path.of(System.getProperty("ember.project.root", ".."), "docs");

    @Test
    void supportedOpsMarkdownIsCurrent() throws IOException {
        check("supported-ops.md", SupportDocs.supportedOpsMarkdown());
    }

    @Test
    void supportedOpsJsonIsCurrent() throws IOException {
        check("supported-ops.json", SupportDocs.supportedOpsJson());
    }

    @Test
    void configsMarkdownIsCurrent() throws IOException {
        check("configs.md", SupportDocs.configsMarkdown());
    }

    @Test
    void configsJsonIsCurrent() throws IOException {
        check("configs.json", SupportDocs.configsJson());
    }

    private static void check(String name, String generated) throws IOException {
        Path file = DOCS.resolve(name);
        if (Boolean.getBoolean("ember.docs.regenerate")) {
            Files.createDirectories(DOCS);
            Files.writeString(file, generated, StandardCharsets.UTF_8);
        }
        String committed = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        assertEquals(generated, committed, () -> "docs/" + name + " is stale; regenerate it with: mvn -q -pl plugin"
                + " test -Dtest=TestGeneratedDocs -Dember.docs.regenerate=true");
    }
}
