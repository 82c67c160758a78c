package io.keelson.strategy.sshdocker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.catalog.ContainerSpec;
import io.keelson.strategy.ssh.RemoteCommand;
import io.keelson.strategy.ssh.SshHost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Engine API create request for a container that does not exist yet, built from its catalog
 * {@code create:} block. The catalog validated every value, and the request is JSON, not a command
 * line, so nothing here is ever interpreted by a shell.
 *
 * @param body the {@code POST /containers/create} body
 * @param laterNetworks networks to connect after create (the Engine API takes one at create)
 */
record CatalogCreate(ObjectNode body, List<String> laterNetworks) {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * @param envFromFiles the variables of the block's {@code envFiles}, read on the host, in order;
     *     {@code env} wins over them, as with {@code docker run --env-file … -e …}
     */
    static CatalogCreate of(ContainerSpec.CreateSpec create, String image, Map<String, String> envFromFiles) {
        ContainerSpec.CreateSpec c =
                create == null ? new ContainerSpec.CreateSpec(null, null, null, null, null, null, null) : create;
        ObjectNode body = NODES.objectNode();
        body.put("Image", image);
        Map<String, String> env = new LinkedHashMap<>(envFromFiles);
        if (c.env() != null) {
            env.putAll(c.env());
        }
        if (!env.isEmpty()) {
            ArrayNode list = body.putArray("Env");
            env.forEach((k, v) -> list.add(k + "=" + v));
        }
        if (c.labels() != null && !c.labels().isEmpty()) {
            ObjectNode labels = body.putObject("Labels");
            c.labels().forEach(labels::put);
        }
        ObjectNode host = body.putObject("HostConfig");
        if (c.ports() != null && !c.ports().isEmpty()) {
            ObjectNode exposed = body.putObject("ExposedPorts");
            ObjectNode bindings = host.putObject("PortBindings");
            for (String port : c.ports()) {
                Port p = Port.parse(port);
                exposed.putObject(p.containerPort());
                if (p.hostPort() != null) {
                    ArrayNode list = bindings.has(p.containerPort())
                            ? (ArrayNode) bindings.get(p.containerPort())
                            : bindings.putArray(p.containerPort());
                    ObjectNode binding = list.addObject();
                    binding.put("HostIp", p.hostIp() == null ? "" : p.hostIp());
                    binding.put("HostPort", p.hostPort());
                }
            }
        }
        if (c.volumes() != null && !c.volumes().isEmpty()) {
            ArrayNode binds = host.putArray("Binds");
            c.volumes().forEach(binds::add);
        }
        if (c.restart() != null) {
            ObjectNode policy = host.putObject("RestartPolicy");
            String[] parts = c.restart().split(":");
            policy.put("Name", parts[0]);
            policy.put("MaximumRetryCount", parts.length > 1 ? Integer.parseInt(parts[1]) : 0);
        }
        List<String> later = new ArrayList<>();
        if (c.networks() != null && !c.networks().isEmpty()) {
            host.put("NetworkMode", c.networks().get(0));
            body.putObject("NetworkingConfig")
                    .putObject("EndpointsConfig")
                    .putObject(c.networks().get(0));
            later.addAll(c.networks().subList(1, c.networks().size()));
        }
        return new CatalogCreate(body, later);
    }

    /** One {@code ports} entry: {@code [ip:][hostPort:]containerPort[/proto]}, the protocol defaulting to tcp. */
    record Port(String hostIp, String hostPort, String containerPort) {
        static Port parse(String spec) {
            String proto = "tcp";
            String rest = spec;
            int slash = rest.indexOf('/');
            if (slash >= 0) {
                proto = rest.substring(slash + 1);
                rest = rest.substring(0, slash);
            }
            String ip = null;
            if (rest.startsWith("[")) {
                int close = rest.indexOf(']');
                ip = rest.substring(1, close);
                rest = rest.substring(close + 2);
            }
            String[] parts = rest.split(":");
            if (parts.length == 3) {
                ip = parts[0];
                return new Port(ip, parts[1], parts[2] + "/" + proto);
            }
            if (parts.length == 2) {
                return new Port(ip, parts[0], parts[1] + "/" + proto);
            }
            return new Port(null, null, parts[0] + "/" + proto);
        }
    }

    /**
     * {@code KEY=VALUE} lines of an env file as {@code docker run --env-file} reads them: blank lines
     * and {@code #} comments skipped. Each value goes to {@code secrets} on its own, since a log line
     * that leaks one holds that value, never the whole file.
     */
    static Map<String, String> parseEnvFile(String text, Consumer<String> secrets) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq > 0) {
                String value = l.substring(eq + 1);
                secrets.accept(value);
                env.put(l.substring(0, eq), value);
            }
        }
        return env;
    }

    /** The variables of the block's env files, read on the host itself (where {@code docker run --env-file} would read them). */
    static Map<String, String> envFiles(
            RemoteEngine remote, String host, ContainerSpec.CreateSpec create, Consumer<String> secrets) {
        Map<String, String> env = new LinkedHashMap<>();
        if (create == null || create.envFiles() == null) {
            return env;
        }
        for (String file : create.envFiles()) {
            SshHost.Result read =
                    remote.run(RemoteCommand.of(List.of("cat", file)).asQuiet());
            if (!read.ok()) {
                throw new IllegalStateException(
                        "env file " + file + " cannot be read on " + host + ": " + read.lastError());
            }
            env.putAll(parseEnvFile(read.stdout(), secrets));
        }
        return env;
    }
}
