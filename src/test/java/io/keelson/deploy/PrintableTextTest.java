package io.keelson.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.catalog.Redactor;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a host sends is stored and logged without control characters or terminal escapes. */
class PrintableTextTest {

    @Test
    void nulAndOtherControlCharactersAreRemovedButTabsAndLineBreaksStay() {
        assertThat(PrintableText.of("a\u0000b\u0007c\rd\u007Fe\u0085f\tg\nh")).isEqualTo("abcdef\tg\nh");
    }

    @Test
    void colourAndCursorSequencesAreRemoved() {
        assertThat(PrintableText.of("\u001B[1;31mError\u001B[0m: \u001B[2K\u001B[1Adone\u009B0m"))
                .isEqualTo("Error: done");
    }

    @Test
    void aWindowTitleSequenceIsRemovedWholeEvenWhenCut() {
        assertThat(PrintableText.of("\u001B]0;owned\u0007ok \u001B]8;;http://x\u001B\\link"))
                .isEqualTo("ok link");
        assertThat(PrintableText.of("ok \u001B]0;cut off")).isEqualTo("ok ");
    }

    @Test
    void aLoneEscapeAtTheEndIsRemoved() {
        assertThat(PrintableText.of("end\u001B")).isEqualTo("end");
        assertThat(PrintableText.of("end\u001B[")).isEqualTo("end");
    }

    @Test
    void plainTextIsUnchanged() {
        String text = "Pulling bot (127.0.0.1:5000/app:latest)... é ✓ [1/2] {\"a\": 1}";
        assertThat(PrintableText.of(text)).isEqualTo(text);
    }

    @Test
    void theJournalScrubsHostTextBeforeItIsStoredOrLogged() {
        Redactor redactor = new Redactor();
        redactor.register("s3cret");
        DeploymentJournal journal = new DeploymentJournal("d1", "t", Clock.systemUTC(), limits(), redactor, () -> {});

        assertThat(journal.scrub("pull failed\u0000: \u001B[31ms3\u001B[0mcret\u0000"))
                .isEqualTo("pull failed: " + Redactor.MASK);
    }

    private static DeployConfig limits() {
        return new DeployConfig() {
            @Override
            public int maxQueuedPerTarget() {
                return 10;
            }

            @Override
            public int logHeadLines() {
                return 100;
            }

            @Override
            public int logTailLines() {
                return 10;
            }

            @Override
            public Duration logRetention() {
                return Duration.ZERO;
            }
        };
    }
}
