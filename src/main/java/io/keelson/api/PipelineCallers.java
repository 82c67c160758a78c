package io.keelson.api;

import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.SecretAllowList;
import io.keelson.catalog.TargetCatalog;
import io.keelson.catalog.TrustedPipelineSpec;
import io.keelson.identity.IdToken;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a verified CI ID token may do, from the targets' {@code trustedPipelines} rules and nothing
 * else: on a target, the best role among the rules that match it; on a call that names no target,
 * reading what the targets it is trusted on hold. No rule, no access.
 */
@ApplicationScoped
public class PipelineCallers {

    private static final SecretAllowList NO_SECRETS = SecretAllowList.within(List.of(), List.of());

    private final TargetCatalog catalog;

    public PipelineCallers(TargetCatalog catalog) {
        this.catalog = catalog;
    }

    /** The caller the token is on {@code target} (null when the call names none); empty when no rule matches. */
    public Optional<Caller> on(IdToken token, String target) {
        if (target != null) {
            return catalog.find(target)
                    .flatMap(t -> role(t, token))
                    .map(role -> new Caller(
                            token.requestedBy(),
                            role,
                            List.of(Pattern.compile(Pattern.quote(target))),
                            NO_SECRETS,
                            token));
        }
        List<Pattern> trusted = catalog.list().stream()
                .filter(t -> role(t, token).isPresent())
                .map(t -> Pattern.compile(Pattern.quote(t.name())))
                .toList();
        return trusted.isEmpty()
                ? Optional.empty()
                : Optional.of(new Caller(token.requestedBy(), Role.READ, trusted, NO_SECRETS, token));
    }

    private static Optional<Role> role(CatalogTarget target, IdToken token) {
        List<TrustedPipelineSpec> rules = target.spec().trustedPipelines();
        if (rules == null) {
            return Optional.empty();
        }
        return rules.stream()
                .filter(rule -> rule.matches(token.issuerName(), token.claims()))
                .map(rule -> Role.highestOf(rule.role()))
                .max(Comparator.naturalOrder());
    }
}
