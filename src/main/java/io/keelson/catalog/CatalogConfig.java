package io.keelson.catalog;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the catalog lives. */
@ConfigMapping(prefix = "keelson.targets")
public interface CatalogConfig {

    /** The folder of catalog files, one YAML file per target, read at start and on reload. */
    @WithDefault("deploy-targets")
    String dir();
}
