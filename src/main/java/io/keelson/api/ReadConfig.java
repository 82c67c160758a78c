package io.keelson.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The bounds on what reading costs Keelson: a caller with a read token must not be able to use up
 * its threads, its memory or its database by asking for logs.
 */
@ConfigMapping(prefix = "keelson.read")
public interface ReadConfig {

    /** Live log followers (SSE) open at once on this replica; one more is answered 429 with Retry-After. */
    @WithDefault("200")
    int maxFollowers();

    /** Live log followers one token may hold open at once on this replica. */
    @WithDefault("20")
    int maxFollowersPerToken();

    /** Lines one {@code /log} answer carries at most ({@code limit} may ask for fewer). */
    @WithDefault("10000")
    int maxLogLines();

    /** Text one {@code /log} answer carries at most, in bytes (about: whole lines are kept). */
    @WithDefault("1048576")
    int maxLogBytes();

    /** {@code /log} pages read at once on this replica; more wait a moment, then get 429. */
    @WithDefault("8")
    int maxLogReads();
}
