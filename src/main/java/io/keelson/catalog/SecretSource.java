package io.keelson.catalog;

import java.util.ArrayList;
import java.util.List;

/**
 * One place on Keelson's own machine that a target names for a secret or key material: an
 * environment variable ({@code …Env}) or a file or folder ({@code …File}, {@code configFile},
 * {@code certPath}). Listing them in one place lets the API check them all against what a token
 * may name, so a field added later is not forgotten by that check.
 *
 * @param field the catalog field, with its index where it is in a list ({@code notify[0].urlFile})
 * @param value the variable's name or the path, as written
 */
public record SecretSource(String field, Kind kind, String value) {

    /** Whether Keelson reads it from its environment or from its file system. */
    public enum Kind {
        ENV,
        FILE
    }

    /**
     * Every variable and local path the target names. Paths on the deployed hosts
     * ({@code compose.projectDir}, {@code create.envFiles}) are not Keelson's and are left out.
     */
    public static List<SecretSource> namedBy(TargetSpec spec) {
        List<SecretSource> named = new ArrayList<>();
        SshSpec ssh = spec.ssh();
        if (ssh != null) {
            add(named, "ssh.privateKeyFile", Kind.FILE, ssh.privateKeyFile());
            add(named, "ssh.knownHostsFile", Kind.FILE, ssh.knownHostsFile());
            add(named, "ssh.passwordEnv", Kind.ENV, ssh.passwordEnv());
            add(named, "ssh.passwordFile", Kind.FILE, ssh.passwordFile());
            add(named, "ssh.passphraseEnv", Kind.ENV, ssh.passphraseEnv());
            add(named, "ssh.passphraseFile", Kind.FILE, ssh.passphraseFile());
        }
        if (spec.registry() != null) {
            add(named, "registry.passwordEnv", Kind.ENV, spec.registry().passwordEnv());
            add(named, "registry.passwordFile", Kind.FILE, spec.registry().passwordFile());
        }
        RegistryAuthSpec auth = spec.registryAuth();
        if (auth != null) {
            add(named, "registryAuth.configFile", Kind.FILE, auth.configFile());
            add(named, "registryAuth.passwordEnv", Kind.ENV, auth.passwordEnv());
            add(named, "registryAuth.passwordFile", Kind.FILE, auth.passwordFile());
        }
        if (spec.docker() != null && spec.docker().tls() != null) {
            add(named, "docker.tls.certPath", Kind.FILE, spec.docker().tls().certPath());
        }
        if (spec.notifications() != null) {
            for (int i = 0; i < spec.notifications().size(); i++) {
                NotifySpec n = spec.notifications().get(i);
                if (n != null) {
                    add(named, "notify[" + i + "].urlEnv", Kind.ENV, n.urlEnv());
                    add(named, "notify[" + i + "].urlFile", Kind.FILE, n.urlFile());
                }
            }
        }
        return named;
    }

    private static void add(List<SecretSource> named, String field, Kind kind, String value) {
        if (value != null) {
            named.add(new SecretSource(field, kind, value));
        }
    }
}
