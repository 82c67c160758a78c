package io.keelson.catalog;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place that knows every secret Keelson handles — each target's registry passwords,
 * notification URLs and container environment values, the API tokens, the global webhook, the
 * values of env files and Docker config.json credentials as they are read — and masks them in any text before it is
 * stored, logged, sent or answered. Secrets are learned when a target is loaded and when a
 * deployment resolves one, so a value is masked even if it turns up where nobody expected it.
 */
@ApplicationScoped
public class Redactor {

    public static final String MASK = "********";
    /** Shorter values would mask ordinary words; no real password or token is this short. */
    private static final int MIN_LENGTH = 4;

    private final Set<String> secrets = ConcurrentHashMap.newKeySet();
    private volatile List<String> longestFirst = List.of();

    /** Remembers a secret value: from now on it is masked everywhere. */
    public void register(String secret) {
        if (secret == null) {
            return;
        }
        String value = secret.strip();
        if (value.length() >= MIN_LENGTH && secrets.add(value)) {
            longestFirst = secrets.stream()
                    .sorted(Comparator.comparingInt(String::length).reversed())
                    .toList();
        }
    }

    /**
     * Learns every secret a target names (by environment variable or file) or holds inline (a notify
     * URL, the {@code create.env} values of its containers).
     */
    public void learn(TargetSpec spec) {
        if (spec.registry() != null) {
            register(spec.registry().password().readOrNull());
        }
        if (spec.registryAuth() != null) {
            register(spec.registryAuth().password().readOrNull());
        }
        if (spec.ssh() != null) {
            register(spec.ssh().password().readOrNull());
            register(spec.ssh().passphrase().readOrNull());
        }
        if (spec.notifications() != null) {
            for (NotifySpec n : spec.notifications()) {
                register(n.url());
                register(n.address().readOrNull());
            }
        }
        if (spec.containers() != null) {
            for (ContainerSpec c : spec.containers()) {
                if (c != null && c.create() != null && c.create().env() != null) {
                    c.create().env().values().forEach(this::register);
                }
            }
        }
    }

    /** The text with every known secret replaced by {@link #MASK}; null stays null. */
    public String scrub(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : longestFirst) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        return out;
    }
}
