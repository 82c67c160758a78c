package io.keelson.strategy.ssh;

import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.TargetCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Readiness: can every SSH host of every ssh-compose target be reached on its port? */
@Readiness
@ApplicationScoped
public class SshHostsReadiness implements HealthCheck {

    private static final int CONNECT_TIMEOUT_MS = 2000;

    private final TargetCatalog catalog;

    public SshHostsReadiness(TargetCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder answer = HealthCheckResponse.named("ssh-hosts").up();
        for (CatalogTarget target : catalog.list()) {
            if (!target.spec().isSshCompose() || target.paused()) {
                continue;
            }
            int port = target.spec().ssh().effectivePort();
            for (String host : target.spec().ssh().hosts()) {
                String key = target.name() + "/" + host + ":" + port;
                String problem = probe(host, port);
                answer.withData(key, problem == null ? "reachable" : problem);
                if (problem != null) {
                    answer.down();
                }
            }
        }
        return answer.build();
    }

    private static String probe(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            return null;
        } catch (IOException e) {
            return "unreachable: " + e.getMessage();
        }
    }
}
