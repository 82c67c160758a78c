package io.keelson.strategy;

import io.keelson.catalog.Redactor;
import io.keelson.catalog.RegistryAuthSpec;
import io.keelson.catalog.TargetSpec;
import io.keelson.registry.CredentialSource;
import io.keelson.registry.Credentials;
import java.nio.file.Path;
import java.util.Set;

/**
 * Where Keelson's own registry requests for a target (a watch check, a pull on a watched engine,
 * a deploy policy's digest and signature reads) find credentials, bound to the registry they
 * belong to.
 */
public final class RegistryCredentials {

    private RegistryCredentials() {}

    /**
     * The target's {@code registryAuth}, else the {@code registry} login its hosts use, else the
     * Docker config.json of the user Keelson runs as; credentials read from a config.json go to
     * {@code redactor} as they are read.
     */
    public static CredentialSource of(TargetSpec target, Redactor redactor) {
        RegistryAuthSpec auth = target.registryAuth();
        if (auth == null && target.registry() != null && target.registry().username() != null) {
            return new CredentialSource.Fixed(
                    target.registry().server(),
                    new Credentials(
                            target.registry().username(),
                            target.registry().password().read().orElseThrow()),
                    Set.of());
        }
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
