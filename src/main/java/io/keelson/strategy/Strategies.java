package io.keelson.strategy;

import io.keelson.catalog.TargetSpec;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every strategy bean, found by the name a target's catalog entry gives. */
@ApplicationScoped
public class Strategies {

    private final Map<String, Strategy> byName;

    public Strategies(@All List<Strategy> strategies) {
        this.byName = strategies.stream().collect(Collectors.toUnmodifiableMap(Strategy::name, Function.identity()));
    }

    /** The strategy of a validated target; the catalog accepts only names that exist here. */
    public Strategy of(TargetSpec target) {
        return find(target.strategy())
                .orElseThrow(() -> new IllegalStateException("no strategy named '" + target.strategy() + "'"));
    }

    public Optional<Strategy> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
