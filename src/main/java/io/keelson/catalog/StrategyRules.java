package io.keelson.catalog;

import java.util.Set;

/**
 * What one strategy accepts in a catalog entry. The catalog checks what every target shares (name,
 * rollout, notify) and refuses a block the strategy does not list; the strategy checks its own
 * blocks. Implementations live with their strategy, so a new strategy brings its own.
 */
public interface StrategyRules {

    /** The {@code strategy} value these rules are for. */
    String strategy();

    /** The top-level blocks this strategy reads ({@code ssh}, {@code compose}, …); any other present block is refused. */
    Set<String> blocks();

    /** Adds a problem to {@code checks} for each thing wrong in the strategy's own blocks. */
    void check(TargetSpec spec, CatalogChecks checks);
}
