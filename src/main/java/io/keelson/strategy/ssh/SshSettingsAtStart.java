package io.keelson.strategy.ssh;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Hands {@link SshSettings} to the connections (opened from plain code) before any is opened; closes the kept ones at the end. */
@ApplicationScoped
class SshSettingsAtStart {

    void apply(@Observes StartupEvent event, SshSettings settings) {
        if (settings.keepIdle().isNegative()) {
            throw new IllegalArgumentException("keelson.ssh.keep-idle must not be negative: " + settings.keepIdle());
        }
        SshHost.keepIdleFor(settings.keepIdle());
    }

    /** The kept connections end with Keelson, not when each host's sshd times them out. */
    void closeKept(@Observes ShutdownEvent event) {
        SshHost.keepIdleFor(java.time.Duration.ZERO);
    }
}
