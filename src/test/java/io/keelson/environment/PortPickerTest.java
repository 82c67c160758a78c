package io.keelson.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keelson.catalog.EnvironmentsSpec.Range;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortPickerTest {

    @Test
    void theLowestPortNobodyHoldsAndNothingListensOnIsPicked() throws Exception {
        Map<String, Range> ranges = new LinkedHashMap<>();
        ranges.put("bot", new Range(20000, 20003));
        ranges.put("web", new Range(20000, 20003));

        Map<String, Integer> picked = PortPicker.pick(ranges, r -> Set.of(20000), Set.of(20001));

        assertThat(picked).containsExactly(Map.entry("bot", 20002), Map.entry("web", 20003));
    }

    @Test
    void aFullRangeSaysWhatHoldsIt() {
        Map<String, Range> ranges = Map.of("bot", new Range(20000, 20001));

        assertThatThrownBy(() -> PortPicker.pick(ranges, r -> Set.of(20000), Set.of(20001)))
                .isInstanceOf(PortPicker.Exhausted.class)
                .hasMessageContaining("no free port for bot in 20000-20001")
                .hasMessageContaining("environments hold 1");
    }
}
