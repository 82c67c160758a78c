package io.keelson.deploy;

import io.keelson.catalog.CatalogChanged;
import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.TargetCatalog;
import io.keelson.catalog.TargetSpec;
import io.keelson.edge.EdgeRoute;
import io.keelson.edge.EdgeStats;
import io.keelson.edge.RouteFile;
import io.keelson.strategy.EdgeReading;
import io.keelson.strategy.Strategies;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The traffic each handed-over unit takes through its edge: connections, failed connections and
 * those open now, per host, scraped from HAProxy's counters in the background (one {@code docker
 * exec} per host) and cached, so neither {@code /q/metrics} nor the target API ever waits for a host.
 */
@ApplicationScoped
public class EdgeTraffic {

    /**
     * One unit's route on one host, as last read; the counters are totals since this replica first
     * read the route, across the edge's reloads (see {@link EdgeTally}).
     */
    public record Reading(
            String unit, String host, int port, long connections, long failed, long open, Instant checkedAt) {}

    private static final List<String> METERS =
            List.of("keelson.edge.connections", "keelson.edge.failed.connections", "keelson.edge.open.connections");

    private final TargetCatalog catalog;
    private final Strategies strategies;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Map<String, Reading> readings = new ConcurrentHashMap<>();
    private final Map<String, EdgeTally> tallies = new ConcurrentHashMap<>();
    /** The routes whose meters are registered; only the scrape thread changes it. */
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    private final ExecutorService scrapes = new ThreadPoolExecutor(
            1,
            1,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(1000),
            runnable -> {
                Thread thread = new Thread(runnable, "edge-scrape");
                thread.setDaemon(true);
                return thread;
            },
            new ThreadPoolExecutor.DiscardPolicy()); // a scrape dropped now is made at the next round

    public EdgeTraffic(TargetCatalog catalog, Strategies strategies, MeterRegistry meters, Clock clock) {
        this.catalog = catalog;
        this.strategies = strategies;
        this.meters = meters;
        this.clock = clock;
        ((ThreadPoolExecutor) scrapes).allowCoreThreadTimeOut(true);
    }

    @Scheduled(
            every = "${keelson.edge.scrape-interval:30s}",
            delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scrapeAll() {
        // One read per host and login: the counters of every target on it come with it.
        Map<String, List<TargetSpec>> byReach = new java.util.LinkedHashMap<>();
        List<CatalogTarget> catalogued = catalog.list();
        scrapes.execute(() -> forgetAllBut(catalogued));
        for (CatalogTarget target : catalogued) {
            if (!target.paused() && (target.spec().handover() != null || served(target))) {
                byReach.computeIfAbsent(reach(target.spec()), k -> new ArrayList<>())
                        .add(target.spec());
            }
        }
        byReach.values().forEach(targets -> scrapes.execute(() -> scrape(targets)));
    }

    /**
     * A deployment of a handed-over target has just moved traffic: its counters are read again now,
     * so the target page and the metrics show the handover's connections without waiting for the
     * next round (half a minute by default).
     */
    void onEnd(@ObservesAsync DeploymentEnded event) {
        catalog.find(event.deployment().target())
                .filter(target -> !target.paused() && usesEdge(target))
                .ifPresent(target -> scrapes.execute(() -> scrape(List.of(target.spec()))));
    }

    /**
     * A deleted target's readings and meters go with it: on this replica once the reads already
     * queued are done, on the others at their next round. Forgetting runs on the scrape thread, behind
     * those reads, so a read that was under way when the target went cannot bring it back.
     */
    void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) CatalogChanged event) {
        List<CatalogTarget> catalogued = catalog.list();
        scrapes.execute(() -> forgetAllBut(catalogued));
    }

    private void forgetAllBut(List<CatalogTarget> targets) {
        Set<String> present = new java.util.HashSet<>();
        targets.forEach(target -> present.add(target.name()));
        for (String key : List.copyOf(readings.keySet())) {
            String target = key.substring(0, key.indexOf('/'));
            if (!present.contains(target)) {
                readings.remove(key);
                tallies.remove(key);
                registered.remove(key);
                for (String name : METERS) {
                    meters.find(name).tag("target", target).meters().forEach(meters::remove);
                }
            }
        }
    }

    /**
     * A target whose units may be handed over: a handover block, or (watch) its containers' labels.
     * The round reads a target of the second kind only once a read after one of its deployments found
     * routes of it, so a watch target whose containers ask for no handover costs nothing every half
     * minute.
     */
    private boolean usesEdge(CatalogTarget target) {
        return strategies.of(target.spec()).mayUseEdge(target.spec());
    }

    private boolean served(CatalogTarget target) {
        return readings.keySet().stream().anyMatch(key -> key.startsWith(target.name() + "/"));
    }

    /** What reading a target's edges takes: the same hosts, port and login read the same edges. */
    private static String reach(TargetSpec target) {
        var ssh = target.ssh();
        return ssh == null
                ? target.name()
                : String.join(",", ssh.hosts()) + "|" + ssh.port() + "|" + ssh.user() + "|" + ssh.privateKeyFile();
    }

    /** The target's units as last read, by unit, host and port. */
    public List<Reading> of(TargetSpec target) {
        List<Reading> answer = new ArrayList<>();
        readings.forEach((key, reading) -> {
            if (key.startsWith(target.name() + "/")) {
                answer.add(reading);
            }
        });
        answer.sort(java.util.Comparator.comparing(Reading::unit)
                .thenComparing(Reading::host)
                .thenComparing(Reading::port));
        return answer;
    }

    @PreDestroy
    void stop() {
        scrapes.shutdownNow();
    }

    void scrape(List<TargetSpec> targets) {
        Map<String, EdgeReading> byHost;
        try {
            byHost = strategies.of(targets.get(0)).edgeReadings(targets.get(0));
        } catch (RuntimeException e) {
            return; // unreachable now: TargetHealth says so
        }
        byHost.forEach((host, reading) -> {
            EdgeStats stats = EdgeStats.parse(reading.stats());
            List<RouteFile.Owned> owned = RouteFile.owners(reading.routes());
            for (TargetSpec target : targets) {
                for (EdgeRoute route : routes(target, owned)) {
                    if (stats.has(route)) {
                        record(target.name(), host, route, stats);
                    }
                }
            }
        });
    }

    /** The target's routes: from its handover block, or (watched containers) as the edge lists them. */
    private static List<EdgeRoute> routes(TargetSpec target, List<RouteFile.Owned> owned) {
        if (target.handover() == null) {
            return owned.stream()
                    .filter(o -> o.target().equals(target.name()))
                    .map(RouteFile.Owned::route)
                    .toList();
        }
        return target.handover().units().keySet().stream()
                .flatMap(unit -> target.handover().routes(unit).stream())
                .toList();
    }

    private void record(String target, String host, EdgeRoute route, EdgeStats stats) {
        long[] frontend = stats.frontend(route);
        long failed = frontend[1]
                + stats.slots(route).values().stream()
                        .mapToLong(EdgeStats.Slot::failed)
                        .sum();
        long open = stats.slots(route).values().stream()
                .mapToLong(EdgeStats.Slot::open)
                .sum();
        String key = target + "/" + route.unit() + "/" + host + "/" + route.hostPort();
        String worker = stats.worker();
        EdgeTally tally = tallies.merge(
                key,
                EdgeTally.first(worker, frontend[0], failed),
                (before, now) -> before.next(worker, frontend[0], failed));
        readings.put(
                key,
                new Reading(
                        route.unit(),
                        host,
                        route.hostPort(),
                        tally.connections(),
                        tally.failed(),
                        open,
                        clock.instant()));
        if (registered.add(key)) {
            Tags tags = Tags.of(
                    "target", target, "unit", route.unit(), "host", host, "port", String.valueOf(route.hostPort()));
            FunctionCounter.builder("keelson.edge.connections", readings, r -> value(r, key, Reading::connections))
                    .description("Connections the edge took for the unit (across the edge's reloads)")
                    .tags(tags)
                    .register(meters);
            FunctionCounter.builder("keelson.edge.failed.connections", readings, r -> value(r, key, Reading::failed))
                    .description("Connections the edge could not take or pass on to the unit")
                    .tags(tags)
                    .register(meters);
            Gauge.builder("keelson.edge.open.connections", readings, r -> value(r, key, Reading::open))
                    .description("Connections open through the edge to the unit now")
                    .tags(tags)
                    .register(meters);
        }
    }

    private static double value(
            Map<String, Reading> readings, String key, java.util.function.ToLongFunction<Reading> field) {
        Reading r = readings.get(key);
        return r == null ? 0 : field.applyAsLong(r);
    }
}
