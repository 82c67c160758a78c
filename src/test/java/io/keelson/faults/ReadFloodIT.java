package io.keelson.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.f4b6a3.ulid.UlidCreator;
import io.keelson.support.KeelsonProcess;
import io.keelson.support.TestEnv;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A read token cannot crash Keelson by reading: started as shipped (bin/keelson, 128 MiB heap,
 * exit on out-of-memory) with 300 deployments of 300 lines (66 KB logs) in its history, it takes
 * parallel floods of {@code ?limit=500} history, whole deployments and their logs, and stays the
 * same process, live throughout, answering each read with 200 or a 429 that says when to retry.
 */
class ReadFloodIT {

    private static final String READER = "flood-reader-token-0123456789";
    private static final int DEPLOYMENTS = 300;
    private static final int LINES = 300;
    private static final Duration FLOOD = Duration.ofSeconds(20);

    private KeelsonProcess keelson;

    @AfterEach
    void tearDown() throws Exception {
        if (keelson != null) {
            keelson.close();
        }
    }

    @Test
    void parallelHistoryAndLogReadsLeaveTheSameProcessLive() throws Exception {
        TestEnv.require();
        keelson = new KeelsonProcess(
                        18099,
                        Map.of("KEELSON_AUTH_TOKENS_READER_SECRET", READER, "KEELSON_AUTH_TOKENS_READER_ROLES", "read"))
                .throughLauncher()
                .start();
        String target = "it-flood";
        keelson.api().body("""
                        {"name": "%s", "strategy": "watch", "watch": {"interval": "24h", "labelEnable": true, "scope": "flood-none"}}
                        """.formatted(target)).post("/api/v1/targets").then().statusCode(201);
        keelson.stop();
        List<String> ids = fill(target);
        keelson.start();
        long pid = keelson.pid();

        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ConcurrentMap<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger liveFailures = new AtomicInteger();
        AtomicInteger liveChecks = new AtomicInteger();
        long end = System.nanoTime() + FLOOD.toNanos();
        ExecutorService readers = Executors.newFixedThreadPool(7);
        List<String> reads = List.of(
                "/api/v1/targets/" + target + "/deployments?limit=500",
                "/api/v1/deployments/%s",
                "/api/v1/deployments/%s/log");
        for (int r = 0; r < 6; r++) {
            String path = reads.get(r % reads.size());
            readers.execute(() -> {
                while (System.nanoTime() < end) {
                    String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
                    int status = get(client, path.formatted(id), READER, Duration.ofSeconds(30));
                    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                }
            });
        }
        readers.execute(() -> {
            while (System.nanoTime() < end) {
                liveChecks.incrementAndGet();
                if (get(client, "/q/health/live", null, Duration.ofSeconds(5)) != 200) {
                    liveFailures.incrementAndGet();
                }
                sleep(250);
            }
        });
        readers.shutdown();
        assertThat(readers.awaitTermination(FLOOD.toSeconds() + 60, TimeUnit.SECONDS))
                .isTrue();

        assertThat(keelson.alive()).as("Keelson still runs").isTrue();
        assertThat(keelson.pid()).isEqualTo(pid);
        assertThat(Files.readString(keelson.log())).doesNotContain("OutOfMemoryError");
        assertThat(liveChecks.get()).isGreaterThan(20);
        assertThat(liveFailures.get()).as("liveness answered 200 throughout").isZero();
        assertThat(statuses.keySet())
                .as("every read answered 200 or 429: %s", statuses)
                .isSubsetOf(200, 429);
        assertThat(statuses.getOrDefault(200, new AtomicInteger()).get()).isGreaterThan(20);
        System.out.printf(
                "read flood: %s answers in %d s, %d liveness checks%n", statuses, FLOOD.toSeconds(), liveChecks.get());
    }

    /** 300 finished deployments of 300 lines of 220 characters, written straight into the stopped Keelson's database. */
    private List<String> fill(String target) throws Exception {
        List<String> ids = new ArrayList<>();
        String line = "x".repeat(200);
        try (Connection db = DriverManager.getConnection(keelson.jdbcUrl(), "keelson", "")) {
            db.setAutoCommit(false);
            try (PreparedStatement deployment = db.prepareStatement(
                            "INSERT INTO deployment (id, target, trigger_kind, status, request, created_at, started_at,"
                                    + " finished_at) VALUES (?, ?, 'API', 'SUCCEEDED', '{}', ?, ?, ?)");
                    PreparedStatement log = db.prepareStatement(
                            "INSERT INTO deployment_log (id, deployment_id, logged_at, line) VALUES (?, ?, ?, ?)")) {
                long logId = -1_000_000_000L;
                Timestamp at = Timestamp.from(Instant.now().minusSeconds(3600));
                for (int d = 0; d < DEPLOYMENTS; d++) {
                    String id = UlidCreator.getMonotonicUlid().toString();
                    ids.add(id);
                    deployment.setString(1, id);
                    deployment.setString(2, target);
                    deployment.setTimestamp(3, at);
                    deployment.setTimestamp(4, at);
                    deployment.setTimestamp(5, at);
                    deployment.addBatch();
                    for (int l = 0; l < LINES; l++) {
                        log.setLong(1, logId++);
                        log.setString(2, id);
                        log.setTimestamp(3, at);
                        log.setString(4, String.format("%05d %s", l, line));
                        log.addBatch();
                    }
                }
                deployment.executeBatch();
                log.executeBatch();
            }
            db.commit();
        }
        return ids;
    }

    private int get(HttpClient client, String path, String token, Duration timeout) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(keelson.baseUri() + path)).timeout(timeout);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1; // no answer at all: counted, and fails the test
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
