package io.keelson.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the Redactor learns from a target: here, the values of a container's {@code create.env}. */
class RedactorTest {

    @Test
    void createEnvValuesOfALearnedTargetAreMaskedEverywhere() {
        Redactor redactor = new Redactor();
        ContainerSpec.CreateSpec create = new ContainerSpec.CreateSpec(
                null, Map.of("DB_PASSWORD", "create-env-db-password", "DEBUG", "no"), null, null, null, null, null);
        TargetSpec spec = new TargetSpec("app", TargetSpec.SSH_DOCKER, null, null, null, null, null, null, null, null)
                .withContainers(List.of(new ContainerSpec("app", "registry.example.com/app:1", create)));

        redactor.learn(spec);

        assertThat(redactor.scrub("container app exited: bad DB_PASSWORD=create-env-db-password"))
                .isEqualTo("container app exited: bad DB_PASSWORD=" + Redactor.MASK);
        assertThat(redactor.scrub("no such network"))
                .as("a value shorter than four characters would mask ordinary words")
                .isEqualTo("no such network");
    }
}
