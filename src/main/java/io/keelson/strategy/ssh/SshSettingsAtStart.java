package io.keelson.strategy.ssh;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Hands {@link SshSettings} to the connections, which are opened from plain code, before any is opened. */
@ApplicationScoped
class SshSettingsAtStart {

    void apply(@Observes StartupEvent event, SshSettings settings) {
        if (settings.keepIdle().isNegative()) {
            throw new IllegalArgumentException("keelson.ssh.keep-idle must not be negative: " + settings.keepIdle());
        }
        SshHost.keepIdleFor(settings.keepIdle());
    }
}
