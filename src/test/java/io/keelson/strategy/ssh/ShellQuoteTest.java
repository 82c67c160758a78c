package io.keelson.strategy.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellQuoteTest {

    @Test
    void leavesPlainWordsAlone() {
        assertThat(ShellQuote.quote("docker-compose")).isEqualTo("docker-compose");
        assertThat(ShellQuote.quote("127.0.0.1:5000/it/bot@sha256:ab")).isEqualTo("127.0.0.1:5000/it/bot@sha256:ab");
    }

    @Test
    void singleQuotesEverythingElseIncludingQuotes() {
        assertThat(ShellQuote.quote("a b")).isEqualTo("'a b'");
        assertThat(ShellQuote.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(ShellQuote.quote("$(reboot);`x`")).isEqualTo("'$(reboot);`x`'");
        assertThat(ShellQuote.quote("")).isEqualTo("''");
        assertThat(ShellQuote.join(List.of("echo", "a;b", "{{json .X}}"))).isEqualTo("echo 'a;b' '{{json .X}}'");
    }
}
