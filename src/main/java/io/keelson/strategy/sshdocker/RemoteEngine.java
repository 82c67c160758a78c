package io.keelson.strategy.sshdocker;

import io.keelson.catalog.DockerSpec;
import io.keelson.catalog.SshSpec;
import io.keelson.strategy.engine.DockerEngine;
import io.keelson.strategy.ssh.EngineTunnel;
import io.keelson.strategy.ssh.RemoteCommand;
import io.keelson.strategy.ssh.SshHost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A host's Docker engine reached through its SSH connection: the connection, the tunnel and the
 * Engine API client, opened together and closed together.
 */
final class RemoteEngine implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    /** An engine reached through SSH gets few connections: each is an SSH session on the host. */
    private static final int ENGINE_CONNECTIONS = 4;

    private final SshHost ssh;
    private final EngineTunnel tunnel;
    private final DockerEngine engine;

    private RemoteEngine(SshHost ssh, EngineTunnel tunnel, DockerEngine engine) {
        this.ssh = ssh;
        this.tunnel = tunnel;
        this.engine = engine;
    }

    /** Connects (host key verified first), opens the tunnel and checks that the engine answers, or says why not. */
    static RemoteEngine open(String host, SshSpec spec, Consumer<String> log) {
        SshHost ssh = SshHost.connect(host, spec, CONNECT_TIMEOUT);
        log.accept("connected as " + spec.user() + ", " + ssh.howConnected()
                + (spec.usesSudo() ? "; docker runs through sudo -n" : ""));
        EngineTunnel tunnel;
        DockerEngine engine;
        try {
            tunnel = EngineTunnel.open(ssh, spec.usesSudo());
        } catch (RuntimeException e) {
            ssh.close(); // nothing else holds it: a failed open leaks no connection
            throw e;
        }
        try {
            engine = DockerEngine.connect(new DockerSpec(tunnel.dockerHost(), null), ENGINE_CONNECTIONS);
        } catch (RuntimeException e) {
            tunnel.close();
            ssh.close();
            throw e;
        }
        RemoteEngine remote = new RemoteEngine(ssh, tunnel, engine);
        if (!remote.engine.ping()) {
            String problem = remote.dockerSays(spec);
            // Not kept: what the message below asks the operator to fix (a group, sudo) is read at login.
            remote.engine.close();
            remote.tunnel.close();
            ssh.discard();
            throw new IllegalStateException("the Docker engine on " + host + " does not answer through SSH" + problem
                    + (spec.usesSudo()
                            ? " (may " + spec.user() + " run docker with sudo -n, without a password?)"
                            : " (is " + spec.user() + " in the docker group, or should the target say sudo: true?)"));
        }
        return remote;
    }

    DockerEngine engine() {
        return engine;
    }

    /** A plain command on the host (reading an env file), outside the engine. */
    SshHost.Result run(RemoteCommand command) {
        return ssh.run(command, line -> {});
    }

    /** What docker itself says on the host when the engine does not answer, e.g. sudo asking for a password. */
    private String dockerSays(SshSpec spec) {
        List<String> argv = new ArrayList<>(spec.usesSudo() ? List.of("sudo", "-n") : List.of());
        argv.addAll(List.of("docker", "version", "--format", "{{.Server.Version}}"));
        SshHost.Result result = run(RemoteCommand.of(argv).asQuiet());
        return result.ok() || result.lastError().isEmpty() ? "" : " (\"" + result.lastError() + "\")";
    }

    @Override
    public void close() {
        engine.close();
        tunnel.close();
        ssh.close();
    }
}
