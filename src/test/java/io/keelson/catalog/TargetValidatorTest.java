package io.keelson.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.support.CatalogRules;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetValidatorTest {

    private static TargetSpec ssh(String name, List<String> hosts, String user, List<String> services) {
        return new TargetSpec(
                name,
                "ssh-compose",
                null,
                new SshSpec(hosts, 22, user, "/k", "/kh"),
                new ComposeSpec("/srv/app", null, null, services, null),
                null,
                null,
                null,
                null,
                null);
    }

    private static List<String> fields(TargetSpec spec) {
        return CatalogRules.validator().validate(spec).stream()
                .map(CatalogProblem::field)
                .toList();
    }

    @Test
    void aCompleteSpecIsValid() {
        assertThat(CatalogRules.validator()
                        .validate(
                                ssh("tais-homolog", List.of("10.0.0.5", "db-1.example.com"), "deploy", List.of("bot"))))
                .isEmpty();
    }

    @Test
    void namesHostsUsersAndServicesMustMatchTheirGrammar() {
        assertThat(fields(ssh("Bad_Name", List.of("10.0.0.5"), "deploy", List.of("bot"))))
                .containsExactly("name");
        assertThat(fields(ssh("ok", List.of("host;reboot"), "deploy", List.of("bot"))))
                .containsExactly("ssh.hosts[0]");
        assertThat(fields(ssh("ok", List.of("10.0.0.5"), "root; rm", List.of("bot"))))
                .containsExactly("ssh.user");
        assertThat(fields(ssh("ok", List.of("10.0.0.5"), "deploy", List.of("bot;reboot"))))
                .containsExactly("compose.services[0]");
        assertThat(fields(ssh("ok", List.of(), "deploy", List.of("bot")))).containsExactly("ssh.hosts");
    }

    @Test
    void aRegistryNeedsExactlyOnePasswordSource() {
        TargetSpec base = ssh("ok", List.of("h"), "deploy", List.of("bot"));
        TargetSpec both = new TargetSpec(
                "ok",
                "ssh-compose",
                null,
                base.ssh(),
                base.compose(),
                new RegistrySpec("registry.gitlab.com", "ci", "TOKEN", "/file"),
                null,
                null,
                null,
                null);
        TargetSpec env = new TargetSpec(
                "ok",
                "ssh-compose",
                null,
                base.ssh(),
                base.compose(),
                new RegistrySpec("127.0.0.1:5000", "ci", "TOKEN", null),
                null,
                null,
                null,
                null);

        assertThat(fields(both)).containsExactly("registry");
        assertThat(fields(env)).isEmpty();
    }

    @Test
    void anUnknownStrategyIsRejected() {
        TargetSpec spec = new TargetSpec("ok", "rancher", null, null, null, null, null, null, null, null);
        assertThat(fields(spec)).containsExactly("strategy");
    }

    @Test
    void aWatchTargetTakesACronScheduleOrAnInterval() {
        TargetSpec cron = new TargetSpec(
                "w",
                "watch",
                null,
                null,
                null,
                null,
                null,
                new WatchSpec(null, "0 0/5 * * * ?", true, null, null, null, null),
                null,
                null);
        TargetSpec badCron = new TargetSpec(
                "w",
                "watch",
                null,
                null,
                null,
                null,
                null,
                new WatchSpec(null, "every five minutes", true, null, null, null, null),
                null,
                null);
        assertThat(fields(cron)).isEmpty();
        assertThat(fields(badCron)).containsExactly("watch.schedule");
    }
}
