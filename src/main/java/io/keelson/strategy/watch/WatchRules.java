package io.keelson.strategy.watch;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import io.keelson.catalog.CatalogChecks;
import io.keelson.catalog.RegistryAuthSpec;
import io.keelson.catalog.StrategyRules;
import io.keelson.catalog.TargetSpec;
import io.keelson.catalog.WatchSpec;
import jakarta.inject.Singleton;
import java.util.Set;

/** The catalog blocks of a watch target: {@code docker}, {@code watch}, {@code registryAuth}. */
@Singleton
public class WatchRules implements StrategyRules {

    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    @Override
    public String strategy() {
        return TargetSpec.WATCH;
    }

    @Override
    public Set<String> blocks() {
        return Set.of("docker", "watch", "registryAuth");
    }

    @Override
    public void check(TargetSpec spec, CatalogChecks checks) {
        if (spec.docker() != null && spec.docker().host() != null) {
            String host = spec.docker().host();
            if (!host.startsWith("unix:///") && !host.startsWith("tcp://")) {
                checks.problem("docker.host", "must be unix:///path or tcp://host:port");
            }
            if (host.startsWith("tcp://") && spec.docker().tls() == null && !isLoopbackTcp(host)) {
                checks.problem("docker.tls", "is required for a tcp:// engine that is not on this machine's loopback");
            }
        }
        if (spec.docker() != null && spec.docker().tls() != null) {
            checks.path("docker.tls.certPath", spec.docker().tls().certPath(), true);
        }
        checkWatch(spec.watch(), checks);
        checkAuth(spec.registryAuth(), checks);
    }

    private static void checkWatch(WatchSpec watch, CatalogChecks checks) {
        if (watch == null) {
            return;
        }
        if (watch.interval() != null && watch.schedule() != null) {
            checks.problem("watch", "give either interval or schedule, not both");
        }
        if (watch.interval() != null && watch.interval().toSeconds() < 1) {
            checks.problem("watch.interval", "must be at least 1s");
        }
        if (watch.schedule() != null) {
            try {
                CRON.parse(watch.schedule()).validate();
            } catch (IllegalArgumentException e) {
                checks.problem("watch.schedule", "is not a cron expression: " + e.getMessage());
            }
        }
    }

    private static void checkAuth(RegistryAuthSpec auth, CatalogChecks checks) {
        if (auth == null) {
            return;
        }
        if (auth.configFile() != null) {
            checks.path("registryAuth.configFile", auth.configFile(), false);
        }
        if (auth.username() != null) {
            checks.secret("registryAuth", auth.passwordEnv(), auth.passwordFile());
            if (!CatalogChecks.isRegistryHost(auth.server())) {
                checks.problem(
                        "registryAuth.server",
                        "is required with username: the registry host (optionally :port) these credentials belong to; they are sent nowhere else");
            }
        } else if (auth.server() != null) {
            checks.problem(
                    "registryAuth.server", "applies only with username (a configFile names its registries itself)");
        }
        if (auth.realmHosts() != null) {
            for (int i = 0; i < auth.realmHosts().size() && i <= CatalogChecks.MAX_LIST; i++) {
                if (!CatalogChecks.isRegistryHost(
                        String.valueOf(auth.realmHosts().get(i)))) {
                    checks.problem("registryAuth.realmHosts[" + i + "]", "is not a host name, optionally with :port");
                }
            }
        }
    }

    static boolean isLoopbackTcp(String host) {
        String rest = host.substring("tcp://".length());
        return rest.startsWith("127.") || rest.startsWith("localhost:") || rest.startsWith("[::1]");
    }
}
