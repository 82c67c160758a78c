package io.keelson.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which environment variables and files a target defined through the API may name as secret sources. */
class SecretAllowListTest {

    @TempDir
    Path dir;

    private static TargetSpec withRegistry(String passwordEnv, String passwordFile) {
        return new TargetSpec(
                "team-app",
                TargetSpec.SSH_COMPOSE,
                null,
                null,
                null,
                new RegistrySpec("attacker.example", "u", passwordEnv, passwordFile),
                null,
                null,
                null,
                null);
    }

    private static List<String> refused(SecretAllowList list, TargetSpec spec) {
        return list.refusals(spec).stream().map(CatalogProblem::toString).toList();
    }

    @Test
    void keelsonsOwnSettingsAreRefusedEvenToTheOperatorsToken() {
        for (String env : List.of(
                "QUARKUS_DATASOURCE_PASSWORD",
                "quarkus_datasource_password",
                "_PROD_QUARKUS_DATASOURCE_PASSWORD",
                "KEELSON_AUTH_TOKENS_ADMIN_SECRET",
                "KEELSON_NOTIFY_URL")) {
            assertThat(refused(SecretAllowList.ANY, withRegistry(env, null)))
                    .singleElement()
                    .asString()
                    .startsWith("registry.passwordEnv: " + env + " is one of Keelson's own settings");
        }
        assertThat(refused(SecretAllowList.ANY, withRegistry(null, "/proc/self/environ")))
                .singleElement()
                .asString()
                .contains("/proc");
        assertThat(refused(SecretAllowList.ANY, withRegistry("KEELSON_SECRET_APP", null)))
                .isEmpty();
        assertThat(refused(SecretAllowList.ANY, withRegistry("SOME_TOKEN", "/etc/hostname")))
                .isEmpty();
    }

    @Test
    void aRestrictedTokenNamesOnlyAllowedPrefixesAndFolders() throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("registry"), "pw");
        SecretAllowList list = SecretAllowList.within(List.of("KEELSON_SECRET_TEAM_"), List.of(secrets.toString()));

        assertThat(refused(list, withRegistry("KEELSON_SECRET_TEAM_REGISTRY", null)))
                .isEmpty();
        assertThat(refused(list, withRegistry(null, secrets.resolve("registry").toString())))
                .isEmpty();
        assertThat(refused(
                        list,
                        withRegistry(null, secrets.resolve("not-there-yet").toString())))
                .isEmpty();
        assertThat(refused(list, withRegistry("OTHER_TEAM_TOKEN", null)))
                .singleElement()
                .asString()
                .isEqualTo("registry.passwordEnv: OTHER_TEAM_TOKEN is not on this token's allow-list: environment"
                        + " variables starting with [KEELSON_SECRET_TEAM_] (keelson.secrets.env-prefixes, or the"
                        + " token's own secret-env)");
        assertThat(refused(list, withRegistry(null, "/etc/hostname")))
                .singleElement()
                .asString()
                .startsWith("registry.passwordFile: /etc/hostname is not on this token's allow-list: absolute paths"
                        + " under [" + secrets + "]");
    }

    @Test
    void aPathCannotLeaveTheFolderByDotDotOrASymbolicLink() throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Path outside = Files.writeString(dir.resolve("other-team-key"), "key");
        Files.createSymbolicLink(secrets.resolve("link"), outside);
        Files.createSymbolicLink(secrets.resolve("subdir"), dir);
        Files.createSymbolicLink(secrets.resolve("dangling"), dir.resolve("nothing"));
        SecretAllowList list = SecretAllowList.within(List.of(), List.of(secrets.toString()));

        assertThat(refused(list, withRegistry(null, secrets + "/../other-team-key")))
                .singleElement()
                .asString()
                .endsWith("must not contain '..'");
        assertThat(refused(list, withRegistry(null, secrets + "/link")))
                .singleElement()
                .asString()
                .contains("allow-list");
        assertThat(refused(list, withRegistry(null, secrets + "/subdir/other-team-key")))
                .singleElement()
                .asString()
                .contains("allow-list");
        assertThat(refused(list, withRegistry(null, secrets + "/dangling")))
                .singleElement()
                .asString()
                .contains("leads nowhere");
        assertThat(refused(list, withRegistry(null, "relative/secrets/x")))
                .singleElement()
                .asString()
                .contains("absolute");
    }
}
