package io.keelson.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * How to reach the hosts of a target deployed over SSH. Secrets are named by file or environment
 * variable, never inline: a private key (optionally with a passphrase) or a password. Host keys are
 * always checked against {@code knownHostsFile}. With {@code sudo}, docker runs through {@code sudo -n}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SshSpec(
        List<String> hosts,
        Integer port,
        String user,
        String privateKeyFile,
        String knownHostsFile,
        String passwordFile,
        String passwordEnv,
        String passphraseFile,
        String passphraseEnv,
        Boolean sudo) {

    /** Key authentication without a passphrase, the common case. */
    public SshSpec(List<String> hosts, Integer port, String user, String privateKeyFile, String knownHostsFile) {
        this(hosts, port, user, privateKeyFile, knownHostsFile, null, null, null, null, null);
    }

    @JsonIgnore
    public int effectivePort() {
        return port == null ? 22 : port;
    }

    @JsonIgnore
    public boolean usesSudo() {
        return Boolean.TRUE.equals(sudo);
    }

    /** The password named by {@code passwordFile} or {@code passwordEnv}, if the hosts take one. */
    @JsonIgnore
    public SecretRef password() {
        return SecretRef.of("ssh.password", passwordEnv, passwordFile);
    }

    /** The passphrase of the private key, if it has one. */
    @JsonIgnore
    public SecretRef passphrase() {
        return SecretRef.of("ssh.passphrase", passphraseEnv, passphraseFile);
    }
}
