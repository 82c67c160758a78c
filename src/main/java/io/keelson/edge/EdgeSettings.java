package io.keelson.edge;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the edge comes from when a target's {@code handover} block names no image of its own, and how often it is read. */
@ConfigMapping(prefix = "keelson.edge")
public interface EdgeSettings {

    /**
     * The edge image a host's engine pulls when it has no edge yet: what {@code scripts/build-edge.sh}
     * pushed. The default is a registry on the host's own loopback; set it to your registry.
     */
    @WithDefault("127.0.0.1:5000/keelson/edge:2.6")
    String image();

    /** How often each handed-over unit's counters are read from its edges (the keelson_edge_* metrics). */
    @WithDefault("30s")
    java.time.Duration scrapeInterval();
}
