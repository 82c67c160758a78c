package io.keelson.strategy.sshdocker;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.catalog.Redactor;
import org.junit.jupiter.api.Test;

/** An env file's values are secrets one by one: a log line that leaks one holds that value, not the file. */
class EnvFileSecretsTest {

    @Test
    void eachValueOfAnEnvFileIsMaskedOnItsOwn() {
        Redactor redactor = new Redactor();

        CatalogCreate.parseEnvFile(
                "# the app's secrets\nDB_PASSWORD=env-file-db-password\nAPI_KEY=env-file-api-key\nX=1\n",
                redactor::register);

        assertThat(redactor.scrub("app: cannot log in with env-file-db-password"))
                .isEqualTo("app: cannot log in with " + Redactor.MASK);
        assertThat(redactor.scrub("key env-file-api-key refused")).isEqualTo("key " + Redactor.MASK + " refused");
        assertThat(redactor.scrub("exit code 1")).isEqualTo("exit code 1");
    }
}
