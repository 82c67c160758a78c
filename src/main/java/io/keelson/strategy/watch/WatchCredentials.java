package io.keelson.strategy.watch;

import io.keelson.catalog.Redactor;
import io.keelson.catalog.RegistryAuthSpec;
import io.keelson.catalog.TargetSpec;
import io.keelson.registry.CredentialSource;
import io.keelson.registry.Credentials;
import java.nio.file.Path;
import java.util.Set;

/** Where a watch target's registry checks and pulls find credentials, bound to the registry they belong to. */
final class WatchCredentials {

    private WatchCredentials() {}

    /**
     * The target's registry credentials, else the Docker config.json of the user Keelson runs as;
     * credentials read from a config.json go to {@code redactor} as they are read.
     */
    static CredentialSource of(TargetSpec target, Redactor redactor) {
        RegistryAuthSpec auth = target.registryAuth();
        if (auth == null) {
            return new CredentialSource.DockerConfig(
                    Path.of(System.getProperty("user.home"), ".docker", "config.json"), Set.of(), redactor::register);
        }
        Set<String> realms = auth.realmHosts() == null ? Set.of() : Set.copyOf(auth.realmHosts());
        if (auth.username() != null) {
            return new CredentialSource.Fixed(
                    auth.server(),
                    new Credentials(auth.username(), auth.password().read().orElseThrow()),
                    realms);
        }
        if (auth.configFile() != null) {
            return new CredentialSource.DockerConfig(Path.of(auth.configFile()), realms, redactor::register);
        }
        return new CredentialSource.None();
    }
}
