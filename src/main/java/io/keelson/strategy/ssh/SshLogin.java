package io.keelson.strategy.ssh;

import io.keelson.catalog.SshSpec;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.SecurityUtils;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;

/**
 * How Keelson logs in to a host: a private key (with its passphrase, if any) or a password. The
 * host key is always checked against the known-hosts file first, so no secret goes to a host that
 * is not the one it claims to be. Secrets never appear in {@code toString}.
 */
record SshLogin(String user, Path privateKey, String passphrase, String password) {

    static SshLogin key(String user, Path privateKey, String passphrase) {
        return new SshLogin(user, privateKey, passphrase, null);
    }

    /** The login a target's {@code ssh} block names, its secrets read now. */
    static SshLogin of(SshSpec ssh) {
        return ssh.privateKeyFile() != null
                ? key(
                        ssh.user(),
                        Path.of(ssh.privateKeyFile()),
                        ssh.passphrase().read().orElse(null))
                : new SshLogin(ssh.user(), null, null, ssh.password().read().orElseThrow());
    }

    @Override
    public String toString() {
        return user + (privateKey != null ? " with key " + privateKey : " with a password");
    }

    /** Connects and authenticates, or fails saying which step and why; the host key is checked before any secret is sent. */
    SSHClient connect(String host, int port, String label, Path knownHosts, Duration timeout) {
        if (!Files.isReadable(knownHosts)) {
            throw new SshFailure("knownHostsFile " + knownHosts
                    + " cannot be read: host keys must be verifiable, nothing was run on " + label);
        }
        if (privateKey != null && !Files.isReadable(privateKey)) {
            throw new SshFailure("privateKeyFile " + privateKey + " cannot be read, nothing was run on " + label);
        }
        SSHClient client = new SSHClient();
        KnownHostsCheck check;
        try {
            check = new KnownHostsCheck(knownHosts.toFile());
        } catch (IOException e) {
            throw new SshFailure("knownHostsFile " + knownHosts + " does not parse: " + e.getMessage());
        }
        client.addHostKeyVerifier(check);
        client.setConnectTimeout((int) timeout.toMillis());
        client.setTimeout((int) timeout.toMillis());
        // Before connecting: sshj starts the keep-alive thread at connect only if an interval is set.
        client.getConnection().getKeepAlive().setKeepAliveInterval(15);
        try {
            client.connect(host, port);
        } catch (TransportException e) {
            SshHost.close(client);
            if (check.problem != null) {
                throw new SshFailure(check.problem + " (knownHostsFile " + knownHosts + "); nothing was run on " + label
                        + ". If the host was really re-keyed, update that file.");
            }
            throw new SshFailure("cannot connect to " + label + ": " + e.getMessage(), e);
        } catch (IOException e) {
            SshHost.close(client);
            throw new SshFailure("cannot connect to " + label + ": " + e.getMessage(), e);
        }
        try {
            authenticate(client, this);
        } catch (UserAuthException e) {
            SshHost.close(client);
            throw new SshFailure(
                    "host " + label + " refused " + this + " for user " + user
                            + (privateKey != null
                                    ? " (is the public key in that user's authorized_keys, and is its passphrase right?)"
                                    : " (is the password right, and does sshd allow password authentication?)"),
                    e);
        } catch (IOException e) {
            SshHost.close(client);
            throw new SshFailure("cannot authenticate to " + label + " as " + user + ": " + e.getMessage(), e);
        }
        return client;
    }

    private static void authenticate(SSHClient client, SshLogin login) throws IOException {
        if (login.privateKey() == null) {
            client.authPassword(login.user(), login.password());
            return;
        }
        KeyProvider key = login.passphrase() == null
                ? client.loadKeys(login.privateKey().toString())
                : client.loadKeys(
                        login.privateKey().toString(), login.passphrase().toCharArray());
        client.authPublickey(login.user(), key);
    }

    /** Remembers why a host key was refused, so the message says "changed" or "unknown". */
    private static final class KnownHostsCheck extends OpenSSHKnownHosts {
        private String problem;

        KnownHostsCheck(File file) throws IOException {
            super(file);
        }

        @Override
        protected boolean hostKeyUnverifiableAction(String hostname, PublicKey key) {
            problem = "host " + hostname + " is not in the known hosts (its " + key.getAlgorithm() + " key "
                    + SecurityUtils.getFingerprint(key) + " is unknown)";
            return false;
        }

        @Override
        protected boolean hostKeyChangedAction(String hostname, PublicKey key) {
            problem = "HOST KEY MISMATCH for " + hostname + ": it presented " + key.getAlgorithm() + " key "
                    + SecurityUtils.getFingerprint(key) + ", which is not the one in the known hosts";
            return false;
        }
    }
}
