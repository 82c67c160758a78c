package io.keelson.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.catalog.ContainerSpec;
import io.keelson.catalog.Redactor;
import io.keelson.catalog.TargetSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The values a target holds inline that are secrets (a notify {@code url}, the {@code create.env}
 * of a container): shown as {@link Redactor#MASK} in every answer, and understood when a body sent
 * back holds the mask, so that an admin who reads a target and writes it back keeps its values.
 */
final class SecretMasks {

    private SecretMasks() {}

    /** Replaces each inline secret of a target's JSON by the mask. */
    static void mask(ObjectNode target) {
        target.path("notify").forEach(channel -> {
            if (channel.has("url")) {
                ((ObjectNode) channel).put("url", Redactor.MASK);
            }
        });
        target.path("containers").forEach(container -> {
            JsonNode env = container.path("create").path("env");
            if (env instanceof ObjectNode values) {
                values.fieldNames().forEachRemaining(key -> values.put(key, Redactor.MASK));
            }
        });
    }

    /**
     * The spec with each masked {@code create.env} value replaced by the value {@code stored} has
     * for that container and variable. A mask with nothing stored behind it (a new target, variable
     * or container), or in a notify {@code url}, is refused: it would otherwise become the value.
     */
    static TargetSpec unmask(TargetSpec sent, Optional<TargetSpec> stored) {
        if (sent.notifications() != null) {
            for (int i = 0; i < sent.notifications().size(); i++) {
                if (sent.notifications().get(i) != null
                        && Redactor.MASK.equals(sent.notifications().get(i).url())) {
                    throw refused("notify[" + i + "].url", "the URL");
                }
            }
        }
        if (sent.containers() == null) {
            return sent;
        }
        List<ContainerSpec> containers = new ArrayList<>();
        for (int i = 0; i < sent.containers().size(); i++) {
            ContainerSpec c = sent.containers().get(i);
            if (c == null || c.create() == null || c.create().env() == null) {
                containers.add(c);
                continue;
            }
            Map<String, String> env = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : c.create().env().entrySet()) {
                env.put(
                        e.getKey(),
                        Redactor.MASK.equals(e.getValue()) ? kept(stored, i, c.name(), e.getKey()) : e.getValue());
            }
            containers.add(new ContainerSpec(c.name(), c.image(), c.create().withEnv(env)));
        }
        return sent.withContainers(containers);
    }

    /** The value stored for a variable sent masked; there must be one. */
    private static String kept(Optional<TargetSpec> stored, int index, String container, String key) {
        Optional<String> value = container == null
                ? Optional.empty()
                : stored.flatMap(s -> s.container(container))
                        .map(ContainerSpec::create)
                        .map(ContainerSpec.CreateSpec::env)
                        .map(env -> env.get(key));
        return value.orElseThrow(() -> refused("containers[" + index + "].create.env." + key, "the value"));
    }

    private static ApiException refused(String field, String what) {
        return new ApiException(
                400,
                "invalid_target",
                field + ": is the mask (" + Redactor.MASK + ") that answers show in place of a secret; a stored value"
                        + " is kept only for a create.env variable the same container already has, so send " + what
                        + " itself");
    }
}
