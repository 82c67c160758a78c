package io.keelson.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeployWindowTest {

    /** 2026-12-07 is a Monday. */
    private static Instant at(String utc) {
        return Instant.parse(utc);
    }

    @Test
    void daysTimesAndZoneAreRead() {
        DeployWindow w = DeployWindow.parse("Mon-Fri 08:00-18:00 America/Sao_Paulo"); // UTC-3

        assertThat(w.contains(at("2026-12-07T11:00:00Z")))
                .as("Mon 08:00 there, start included")
                .isTrue();
        assertThat(w.contains(at("2026-12-07T10:59:59Z"))).isFalse();
        assertThat(w.contains(at("2026-12-07T21:00:00Z")))
                .as("18:00 there, end excluded")
                .isFalse();
        assertThat(w.contains(at("2026-12-12T12:00:00Z"))).as("a Saturday").isFalse();
        assertThat(w.nextOpening(at("2026-12-11T22:00:00Z")))
                .as("Friday evening: Monday morning")
                .contains(at("2026-12-14T11:00:00Z"));
        assertThat(w.nextOpening(at("2026-12-07T12:00:00Z"))).contains(at("2026-12-07T12:00:00Z"));
    }

    @Test
    void aRangeMayWrapTheWeekAndAnEndBeforeTheStartCrossesMidnight() {
        DeployWindow w = DeployWindow.parse("Fri-Mon 22:00-02:00 UTC");

        assertThat(w.contains(at("2026-12-11T23:00:00Z"))).as("Friday night").isTrue();
        assertThat(w.contains(at("2026-12-12T01:59:00Z")))
                .as("into Saturday, from Friday's window")
                .isTrue();
        assertThat(w.contains(at("2026-12-15T01:00:00Z")))
                .as("into Tuesday, from Monday's window")
                .isTrue();
        assertThat(w.contains(at("2026-12-16T01:00:00Z")))
                .as("into Wednesday: Tuesday is not listed")
                .isFalse();
        assertThat(w.contains(at("2026-12-09T23:00:00Z")))
                .as("a Wednesday night")
                .isFalse();
        assertThat(DeployWindow.parse("Mon,Wed 09:00-10:00 UTC").contains(at("2026-12-09T09:30:00Z")))
                .isTrue();
    }

    @Test
    void theNextOpeningFollowsDaylightSavingTime() {
        // Europe/Berlin moves from UTC+1 to UTC+2 on 2027-03-28.
        DeployWindow w = DeployWindow.parse("Mon 09:00-10:00 Europe/Berlin");
        assertThat(w.nextOpening(at("2027-03-23T12:00:00Z"))).contains(at("2027-03-29T07:00:00Z"));
    }

    @Test
    void aWrongWindowSaysWhatIsWrong() {
        assertThatThrownBy(() -> DeployWindow.parse("Mon-Fri 08:00-18:00"))
                .hasMessageContaining("DAYS HH:MM-HH:MM ZONE");
        assertThatThrownBy(() -> DeployWindow.parse("Mo-Fr 08:00-18:00 UTC")).hasMessageContaining("'Mo' is not a day");
        assertThatThrownBy(() -> DeployWindow.parse("Mon 8:00-18:00 UTC")).hasMessageContaining("not a time HH:MM");
        assertThatThrownBy(() -> DeployWindow.parse("Mon 08:00-24:00 UTC")).hasMessageContaining("not a time");
        assertThatThrownBy(() -> DeployWindow.parse("Mon 08:00-08:00 UTC")).hasMessageContaining("same time");
        assertThatThrownBy(() -> DeployWindow.parse("Mon 08:00-09:00 Mars/Olympus"))
                .hasMessageContaining("not a time zone");
        assertThatThrownBy(() -> DeployWindow.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
