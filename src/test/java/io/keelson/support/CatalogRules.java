package io.keelson.support;

import io.keelson.catalog.TargetValidator;
import io.keelson.strategy.compose.SshComposeRules;
import io.keelson.strategy.sshdocker.SshDockerRules;
import io.keelson.strategy.watch.WatchRules;
import java.util.List;

/** The catalog's validator with every strategy's rules, for tests that run without the application. */
public final class CatalogRules {

    private CatalogRules() {}

    public static TargetValidator validator() {
        return new TargetValidator(List.of(new SshComposeRules(), new WatchRules(), new SshDockerRules()));
    }
}
