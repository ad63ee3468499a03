package dev.streampredict.producer;

import dev.streampredict.common.csv.CsvSpec;
import dev.streampredict.common.message.InputRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CsvReplayTest {

    @TempDir
    Path dir;

    @Test
    void loopingShiftsTimeForwardAndUsesFreshIds() throws Exception {
        Path file = Files.writeString(dir.resolve("s.csv"), "t,v\n1000,1\n2000,2\n3000,3\n");
        CsvSpec spec = CsvSpec.series(file, "s", "t", List.of("v"));
        List<InputRecord> seen = new ArrayList<>();

        try (CsvReplay replay = new CsvReplay(spec, true, () -> 1_000_000L, r -> {
        })) {
            for (int i = 0; i < 7; i++) {
                seen.add(replay.next());
            }
        }

        assertThat(seen).extracting(InputRecord::timestamp)
                .containsExactly(1000L, 2000L, 3000L, 4000L, 5000L, 6000L, 7000L);
        assertThat(seen).extracting(InputRecord::id).doesNotHaveDuplicates();
    }

    @Test
    void aLoopThatWouldPassTheClockEndsItsPassAtTheClockKeepingTheSpacing() throws Exception {
        // a daily series replayed fast: the second pass fits before "now", the third would not
        Path file = Files.writeString(dir.resolve("s.csv"), "t,v\n1000,1\n2000,2\n3000,3\n");
        List<InputRecord> seen = new ArrayList<>();

        try (CsvReplay replay = new CsvReplay(CsvSpec.series(file, "s", "t", List.of("v")), true, () -> 7_500L,
                r -> {
                })) {
            for (int i = 0; i < 12; i++) {
                seen.add(replay.next());
            }
        }

        assertThat(seen).extracting(InputRecord::timestamp).containsExactly(1000L, 2000L, 3000L, 4000L, 5000L,
                6000L, 5500L, 6500L, 7500L, 5500L, 6500L, 7500L);
        assertThat(seen).extracting(InputRecord::timestamp).allMatch(t -> t <= 7_500L);
    }

    @Test
    void withoutLoopTheFileIsReadOnce() throws Exception {
        Path file = Files.writeString(dir.resolve("s.csv"), "t,v\n1000,1\n2000,2\n");
        try (CsvReplay replay = new CsvReplay(CsvSpec.series(file, "s", "t", List.of("v")), false, () -> 0L, r -> {
        })) {
            replay.next();
            replay.next();
            assertThat(replay.hasNext()).isFalse();
        }
    }
}
