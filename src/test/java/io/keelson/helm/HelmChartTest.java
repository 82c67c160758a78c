package io.keelson.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.keelson.catalog.CatalogProblem;
import io.keelson.catalog.SpecBinder;
import io.keelson.support.CatalogRules;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The chart lints, and renders the objects an operator expects for each kind of values. */
class HelmChartTest {

    private static final Path CHART = Path.of("helm/keelson");
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void theChartLintsCleanly() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void theDefaultsGiveOneNonRootPodWithProbesResourcesAndAVolumeForTheDatabase() throws IOException {
        List<JsonNode> objects = render(null);

        assertThat(objects)
                .extracting(o -> o.path("kind").asText())
                .containsExactlyInAnyOrder(
                        "ServiceAccount", "ConfigMap", "PersistentVolumeClaim", "Service", "Deployment");
        JsonNode deployment = kind(objects, "Deployment").orElseThrow();
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(container
                        .path("securityContext")
                        .path("readOnlyRootFilesystem")
                        .asBoolean())
                .isTrue();
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
                .isEqualTo("/q/health/live");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
                .isEqualTo("/q/health/ready");
        assertThat(container.path("resources").path("requests").path("memory").asText())
                .isEqualTo("192Mi");
        assertThat(container.path("ports").get(0).path("name").asText()).isEqualTo("http");
        assertThat(deployment
                        .path("spec")
                        .path("template")
                        .path("metadata")
                        .path("annotations")
                        .path("prometheus.io/path")
                        .asText())
                .isEqualTo("/q/metrics");
        assertThat(volume(pod, "data")
                        .path("persistentVolumeClaim")
                        .path("claimName")
                        .asText())
                .isEqualTo("keelson-data");
        assertThat(env(container, "QUARKUS_DATASOURCE_JDBC_URL")).startsWith("jdbc:h2:file:/var/lib/keelson/data/");
        assertThat(container.has("envFrom")).isFalse();
    }

    @Test
    void targetsBecomeCatalogFilesThatKeelsonAcceptsAndSecretsAreReferencedNeverInlined() throws IOException {
        List<JsonNode> objects = render("targets-and-secrets.yaml");

        assertThat(kind(objects, "PersistentVolumeClaim")).isEmpty();
        JsonNode data = kind(objects, "ConfigMap").orElseThrow().path("data");
        assertThat(data.has("tais-homolog.yaml")).isTrue();
        List<CatalogProblem> problems = new ArrayList<>();
        for (String file : List.of("tais-homolog.yaml", "tais-production.yaml")) {
            SpecBinder.Bound bound = SpecBinder.yaml(file, data.path(file).asText());
            assertThat(bound).as(file).isInstanceOf(SpecBinder.Spec.class);
            problems.addAll(CatalogRules.validator().validate(((SpecBinder.Spec) bound).spec()));
        }
        assertThat(problems).isEmpty();
        JsonNode pod = kind(objects, "Deployment")
                .orElseThrow()
                .path("spec")
                .path("template")
                .path("spec");
        JsonNode container = pod.path("containers").get(0);
        assertThat(container.path("envFrom").findValuesAsText("name"))
                .containsExactly("keelson-tokens", "keelson-registry");
        assertThat(volume(pod, "ssh").path("secret").path("secretName").asText())
                .isEqualTo("keelson-ssh");
        assertThat(volume(pod, "data").has("emptyDir")).isTrue();
        JsonNode notifyUrl = envVar(container, "KEELSON_NOTIFY_URL").orElseThrow();
        assertThat(notifyUrl.path("valueFrom").path("secretKeyRef").path("name").asText())
                .isEqualTo("keelson-slack");
        assertThat(env(container, "KEELSON_NOTIFY_FORMAT")).isEqualTo("slack");
    }

    @Test
    void anExternalPostgresqlReplacesTheVolumeAndTakesItsPasswordFromASecret() throws IOException {
        List<JsonNode> objects = render("postgresql.yaml");

        assertThat(kind(objects, "PersistentVolumeClaim")).isEmpty();
        JsonNode pod = kind(objects, "Deployment")
                .orElseThrow()
                .path("spec")
                .path("template")
                .path("spec");
        JsonNode container = pod.path("containers").get(0);
        assertThat(env(container, "QUARKUS_DATASOURCE_JDBC_URL"))
                .isEqualTo("jdbc:postgresql://db.example.com:5432/keelson");
        assertThat(env(container, "QUARKUS_DATASOURCE_USERNAME")).isEqualTo("keelson");
        assertThat(envVar(container, "QUARKUS_DATASOURCE_PASSWORD")
                        .orElseThrow()
                        .path("valueFrom")
                        .path("secretKeyRef")
                        .path("name")
                        .asText())
                .isEqualTo("keelson-db");
        assertThat(container.toString()).doesNotContain("\"password\":\"");
        assertThat(volume(pod, "data").has("emptyDir")).isTrue();
        assertThat(container.path("image").asText()).endsWith(":0.1.0-postgresql");
    }

    @Test
    void replicasOnPostgresqlGetADisruptionBudgetAnAntiAffinityAndRollingUpdates() throws IOException {
        List<JsonNode> objects = render("replicas.yaml");

        JsonNode deployment = kind(objects, "Deployment").orElseThrow();
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(deployment.path("spec").path("strategy").path("type").asText())
                .isEqualTo("RollingUpdate");
        JsonNode term = deployment
                .path("spec")
                .path("template")
                .path("spec")
                .path("affinity")
                .path("podAntiAffinity")
                .path("preferredDuringSchedulingIgnoredDuringExecution")
                .get(0)
                .path("podAffinityTerm");
        assertThat(term.path("topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
        assertThat(term.path("labelSelector")
                        .path("matchLabels")
                        .path("app.kubernetes.io/instance")
                        .asText())
                .isEqualTo("keelson");
        JsonNode pdb = kind(objects, "PodDisruptionBudget").orElseThrow();
        assertThat(pdb.path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
        assertThat(pdb.path("spec").path("selector").path("matchLabels"))
                .isEqualTo(deployment.path("spec").path("selector").path("matchLabels"));
    }

    @Test
    void moreThanOneReplicaOnH2IsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> render("replicas-h2.yaml"))
                .hasMessageContaining("replicaCount > 1 needs database.type=postgresql");
    }

    @Test
    void anExistingClaimAndAnotherImageAreUsedAsGiven() throws IOException {
        List<JsonNode> objects = render("existing-claim.yaml");

        assertThat(kind(objects, "PersistentVolumeClaim")).isEmpty();
        JsonNode pod = kind(objects, "Deployment")
                .orElseThrow()
                .path("spec")
                .path("template")
                .path("spec");
        assertThat(volume(pod, "data")
                        .path("persistentVolumeClaim")
                        .path("claimName")
                        .asText())
                .isEqualTo("keelson-data-old");
        assertThat(pod.path("containers").get(0).path("image").asText())
                .isEqualTo("registry.example.com/ops/keelson:0.1.0-rc1");
    }

    private static List<JsonNode> render(String valuesFile) throws IOException {
        var template = new Helm(CHART).template().withName("keelson");
        if (valuesFile != null) {
            template = template.withValuesFile(Path.of("src/test/resources/helm", valuesFile));
        }
        String rendered = template.call();
        List<JsonNode> objects = new ArrayList<>();
        try (var docs = YAML.readValues(YAML.createParser(rendered), JsonNode.class)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && doc.has("kind")) {
                    objects.add(doc);
                }
            }
        }
        return objects;
    }

    private static Optional<JsonNode> kind(List<JsonNode> objects, String kind) {
        return objects.stream()
                .filter(o -> o.path("kind").asText().equals(kind))
                .findFirst();
    }

    private static JsonNode volume(JsonNode pod, String name) {
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    private static Optional<JsonNode> envVar(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private static String env(JsonNode container, String name) {
        return envVar(container, name)
                .map(e -> e.path("value").asText())
                .orElseThrow(() -> new AssertionError("no env " + name));
    }
}
