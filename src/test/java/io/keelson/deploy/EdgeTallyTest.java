package io.keelson.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EdgeTallyTest {

    @Test
    void aReloadCarriesTheOldWorkersCountsOverSoTotalsNeverFall() {
        EdgeTally tally = EdgeTally.first("7", 100, 2).next("7", 150, 3);
        assertThat(tally.connections()).isEqualTo(150);

        // a reload: worker 9 starts at zero
        tally = tally.next("9", 10, 0);
        assertThat(tally.connections()).isEqualTo(160);
        assertThat(tally.failed()).isEqualTo(3);

        tally = tally.next("9", 40, 1);
        assertThat(tally.connections()).isEqualTo(190);
        assertThat(tally.failed()).isEqualTo(4);
    }

    @Test
    void withoutAWorkerIdACountThatFellIsANewWorker() {
        EdgeTally tally = EdgeTally.first("", 100, 0).next("", 5, 0);
        assertThat(tally.connections()).isEqualTo(105);
        assertThat(tally.next("", 5, 0).connections()).isEqualTo(105);
    }
}
