package io.keelson.health;

import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.TargetCatalog;
import io.keelson.catalog.TargetSpec;
import io.keelson.strategy.Strategies;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether each target's SSH hosts or Docker engine can be reached. Probed in the background, in
 * parallel, with short timeouts, and cached: an unreachable host slows down nothing and takes
 * nothing down. Readiness, the target API and {@code keelson_target_reachable} all read the cache.
 */
@ApplicationScoped
public class TargetHealth {

    /** One host or engine of a target, as last probed; {@code reachable} is null before the first probe. */
    public record Endpoint(String endpoint, Boolean reachable, String detail, Instant checkedAt) {}

    private static final int PROBE_THREADS = 4;

    private final TargetCatalog catalog;
    private final Strategies strategies;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Map<String, Endpoint> probed = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> gauges = new ConcurrentHashMap<>();
    private final ExecutorService probes = new ThreadPoolExecutor(
            PROBE_THREADS,
            PROBE_THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(1000),
            runnable -> {
                Thread thread = new Thread(runnable, "target-probe");
                thread.setDaemon(true);
                return thread;
            },
            new ThreadPoolExecutor.DiscardPolicy()); // a probe dropped now is made at the next round

    public TargetHealth(TargetCatalog catalog, Strategies strategies, MeterRegistry meters, Clock clock) {
        this.catalog = catalog;
        this.strategies = strategies;
        this.meters = meters;
        this.clock = clock;
        ((ThreadPoolExecutor) probes).allowCoreThreadTimeOut(true);
    }

    @Scheduled(
            every = "${keelson.health.probe-interval:30s}",
            delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void probeAll() {
        Map<Object, List<Subject>> rounds = new LinkedHashMap<>();
        for (CatalogTarget target : catalog.list()) {
            if (!target.paused()) {
                TargetSpec spec = target.spec();
                for (String endpoint : endpointsOf(spec)) {
                    rounds.computeIfAbsent(strategies.of(spec).probeKey(spec, endpoint), k -> new ArrayList<>())
                            .add(new Subject(spec, endpoint));
                }
            }
        }
        rounds.values().forEach(subjects -> probes.execute(() -> probe(subjects)));
    }

    /** A target's endpoint, one of those that one probe answers for. */
    private record Subject(TargetSpec target, String endpoint) {}

    /** The target's endpoints as last probed (never probes on the caller's thread). */
    public List<Endpoint> of(TargetSpec target) {
        List<Endpoint> answer = new ArrayList<>();
        for (String endpoint : endpointsOf(target)) {
            answer.add(probed.getOrDefault(
                    key(target.name(), endpoint), new Endpoint(endpoint, null, "not probed yet", null)));
        }
        return answer;
    }

    @PreDestroy
    void stop() {
        probes.shutdownNow();
    }

    /** Probes the first subject's endpoint and records the answer for all of them (they share its {@code probeKey}). */
    private void probe(List<Subject> subjects) {
        Subject first = subjects.get(0);
        String problem;
        try {
            problem = strategies
                    .of(first.target())
                    .unreachable(first.target(), first.endpoint())
                    .orElse(null);
        } catch (RuntimeException e) {
            problem = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        Instant at = clock.instant();
        for (Subject subject : subjects) {
            record(subject.target().name(), subject.endpoint(), problem, at);
        }
    }

    private void record(String target, String endpoint, String problem, Instant at) {
        probed.put(key(target, endpoint), new Endpoint(endpoint, problem == null, problem, at));
        gauges.computeIfAbsent(
                        key(target, endpoint),
                        k -> meters.gauge(
                                "keelson.target.reachable",
                                Tags.of("target", target, "endpoint", endpoint),
                                new AtomicInteger()))
                .set(problem == null ? 1 : 0);
    }

    private List<String> endpointsOf(TargetSpec target) {
        return strategies.of(target).endpoints(target);
    }

    private static String key(String target, String endpoint) {
        return target + "/" + endpoint;
    }
}
