package io.keelson.strategy.ssh;

import io.keelson.catalog.CatalogChecks;
import io.keelson.catalog.SshSpec;
import java.util.HashSet;
import java.util.regex.Pattern;

/** The {@code ssh} block, shared by every strategy that reaches its hosts over SSH. */
public final class SshRules {

    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");

    private SshRules() {}

    public static void check(SshSpec ssh, String strategy, CatalogChecks checks) {
        if (ssh == null) {
            checks.problem("ssh", "is required for " + strategy);
            return;
        }
        if (ssh.hosts() == null || ssh.hosts().isEmpty()) {
            checks.problem("ssh.hosts", "must list at least one host");
        } else if (checks.bounded("ssh.hosts", ssh.hosts())) {
            for (int i = 0; i < ssh.hosts().size(); i++) {
                if (!CatalogChecks.isHost(ssh.hosts().get(i))) {
                    checks.problem("ssh.hosts[" + i + "]", "is not a host name or IP address");
                }
            }
            if (new HashSet<>(ssh.hosts()).size() != ssh.hosts().size()) {
                checks.problem("ssh.hosts", "lists a host twice");
            }
        }
        if (ssh.port() != null && (ssh.port() < 1 || ssh.port() > 65535)) {
            checks.problem("ssh.port", "must be between 1 and 65535");
        }
        if (ssh.user() == null || !USER.matcher(ssh.user()).matches()) {
            checks.problem("ssh.user", "is required and must be a Unix user name");
        }
        int ways = (ssh.privateKeyFile() == null ? 0 : 1) + (ssh.password().isGiven() ? 1 : 0);
        if (ways != 1) {
            checks.problem("ssh", "name exactly one way to log in: privateKeyFile, or passwordFile / passwordEnv");
        }
        checks.path("ssh.privateKeyFile", ssh.privateKeyFile(), false);
        checks.optionalSecret("ssh.password", ssh.passwordEnv(), ssh.passwordFile());
        checks.optionalSecret("ssh.passphrase", ssh.passphraseEnv(), ssh.passphraseFile());
        if (ssh.passphrase().isGiven() && ssh.privateKeyFile() == null) {
            checks.problem("ssh.passphrase", "applies only with privateKeyFile");
        }
        checks.path("ssh.knownHostsFile", ssh.knownHostsFile(), true);
    }
}
