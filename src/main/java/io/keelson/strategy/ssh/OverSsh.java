package io.keelson.strategy.ssh;

import io.keelson.catalog.TargetSpec;
import io.keelson.strategy.Strategy;
import java.util.List;
import java.util.Optional;

/** A strategy whose target's units live on hosts reached over SSH: its endpoints are those hosts' SSH ports. */
public interface OverSsh extends Strategy {

    @Override
    default List<String> endpoints(TargetSpec target) {
        return SshHost.endpoints(target.ssh());
    }

    @Override
    default Optional<String> unreachable(TargetSpec target, String endpoint) {
        return SshHost.unreachable(endpoint);
    }
}
