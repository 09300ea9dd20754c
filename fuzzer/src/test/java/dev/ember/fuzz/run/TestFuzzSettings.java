package dev.ember.fuzz.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestFuzzSettings {

    @Test
    void runsTheRangeOrOnlyTheIndicesGiven() {
        assertEquals(List.of(5, 6, 7), settings(5, 3, new TreeSet<>()).indices());
        assertEquals(List.of(3, 40, 700), settings(5, 3, FuzzSettings.indices("700, 3,40")).indices());
    }

    @Test
    void readsIndicesFromAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("changed.txt");
        Files.writeString(file, "# queries the generator change altered\n90718 was a difference\n\n12\n12\n");
        assertEquals(List.of(12, 90718), List.copyOf(FuzzSettings.indicesIn(file)));
    }

    @Test
    void badIndicesSayWhatIsWrong(@TempDir Path dir) {
        IllegalArgumentException word = assertThrows(IllegalArgumentException.class, () -> FuzzSettings.indices("1,x"));
        assertTrue(word.getMessage().contains("'x'"), word::getMessage);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> FuzzSettings.indicesIn(dir.resolve("absent")));
        assertTrue(missing.getMessage().contains("cannot read"), missing::getMessage);
        assertThrows(IllegalArgumentException.class, () -> settings(0, 1, FuzzSettings.indices("-1")));
    }

    private static FuzzSettings settings(int first, int queries, SortedSet<Integer> only) {
        return new FuzzSettings(42, first, queries, only, 4, 40, 25, Set.of(), 1, 20, List.of(), false, false);
    }
}
