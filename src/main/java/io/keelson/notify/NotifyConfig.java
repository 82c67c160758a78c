package io.keelson.notify;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** A notification channel for every target, and how links to deployments are written. */
@ConfigMapping(prefix = "keelson.notify")
public interface NotifyConfig {

    /** Where to POST every target's deployment endings; none when absent. Set it from an environment variable when it holds a secret. */
    Optional<String> url();

    /** json (Keelson's payload) or slack (an incoming-webhook message). */
    @WithDefault("json")
    String format();

    /** Which endings to send: failed, rolled_back, interrupted, succeeded. */
    @WithDefault("failed,rolled_back,interrupted")
    List<String> on();

    /** Keelson's address as people reach it, for the link in each notification (e.g. https://keelson.example.com). */
    Optional<String> linkBase();
}
