package dev.streampredict.job.inference;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class RecentIdsTest {

    @Test
    void aRepeatedIdIsCaughtWhileItIsAmongTheLastOnes() {
        RecentIds ids = RecentIds.withCapacity(3);

        assertThat(ids.add("a")).isTrue();
        assertThat(ids.add("b")).isTrue();
        assertThat(ids.add("a")).isFalse();
        assertThat(ids.add("c")).isTrue();
        assertThat(ids.add("b")).isFalse();
    }

    @Test
    void memoryIsBoundedSoAnOldIdIsForgotten() {
        RecentIds ids = RecentIds.withCapacity(3);
        for (String id : new String[]{"a", "b", "c", "d"}) {
            ids.add(id);
        }

        assertThat(ids.hashes).hasSize(3);
        assertThat(ids.add("a")).as("'a' was pushed out by b, c and d").isTrue();
        assertThat(ids.add("d")).isFalse();
    }

    @Test
    void distinctIdsAreNotConfused() {
        RecentIds ids = RecentIds.withCapacity(10_000);
        for (int i = 0; i < 10_000; i++) {
            assertThat(ids.add(UUID.randomUUID().toString())).isTrue();
        }
    }
}
