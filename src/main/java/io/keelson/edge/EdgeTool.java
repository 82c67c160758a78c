package io.keelson.edge;

import io.keelson.strategy.engine.ContainerExec;
import io.keelson.strategy.engine.DockerEngine;
import io.keelson.strategy.engine.ExecStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The edge image's tool, as Keelson runs it: through a session kept open for the deployment when it
 * has one ({@link EdgeSession}), by one {@code docker exec} per command otherwise (a repair, a scrape,
 * a command while the session runs another, a session that ended before a command was sent: an edge
 * restarted, a connection lost).
 */
final class EdgeTool implements AutoCloseable {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(EdgeTool.class);

    private static final Duration CALL = Duration.ofSeconds(20);
    private static final Duration RELOAD_CALL = Duration.ofSeconds(60);
    private static final Pattern REFUSED =
            Pattern.compile("(?i)no such|unknown|require|expects|invalid|error|not found|cannot|failed|denied|unable");

    /**
     * A session idle this long is opened anew before its next command: the edge's end of it stops
     * waiting after five idle minutes, and so does the engine client's read (a health gate can last
     * that long).
     */
    private static final Duration IDLE = Duration.ofMinutes(4);

    private final DockerEngine engine;
    private final String host;
    private EdgeSession session;
    /** When the edge the session went to started: a session that ended under another start met a dead edge. */
    private String startedAt = "";

    EdgeTool(DockerEngine engine, String host) {
        this.engine = engine;
        this.host = host;
    }

    /** Opens the session the next commands go through; without one they go by exec, only slower. */
    void keepOpen() {
        String started;
        EdgeSession opened;
        try {
            started = started().orElse("");
            opened = EdgeSession.open(engine);
        } catch (RuntimeException e) {
            LOG.infof("edge on %s: no session (%s); each command is an exec of its own", host, e.getMessage());
            return;
        }
        EdgeSession before;
        synchronized (this) {
            before = session;
            session = opened;
            startedAt = started;
        }
        if (before != null) {
            before.close();
        }
    }

    /** Runs the tool; throws with the edge's words when it fails, or when the runtime API refused a change. */
    String call(String... argv) {
        ContainerExec.Result r = run(argv);
        if (!r.ok()) {
            throw new IllegalStateException(
                    "the edge on " + host + " refused '" + argv[0] + "': " + (r.stderr() + r.stdout()).strip());
        }
        String out = r.stdout().strip();
        if (argv[0].equals("api")
                && !argv[1].startsWith("show")
                && REFUSED.matcher(out).find()) {
            // The runtime API answers a change with nothing or a note ("IP changed from …"), a refusal in words.
            throw new IllegalStateException("the edge on " + host + " refused '" + argv[1] + "': " + out);
        }
        return r.stdout();
    }

    /** Runs the tool and answers what it said, failed or not. */
    ContainerExec.Result run(String... argv) {
        // A reload waits for the edge's holds to end (up to 30 s) and for the new worker to answer.
        Duration timeout = argv[0].equals("reload") ? RELOAD_CALL : CALL;
        EdgeSession open;
        String started;
        synchronized (this) {
            open = session;
            started = startedAt;
        }
        if (open != null && open.idleLongerThan(IDLE)) {
            forget(open);
            sameEdge(started, null);
            keepOpen();
            return run(argv);
        }
        if (open != null) {
            try {
                Optional<ContainerExec.Result> answer = open.call(List.of(argv), timeout);
                if (answer.isPresent()) {
                    return answer.get();
                }
            } catch (ExecStream.Ended e) {
                forget(open);
                sameEdge(started, e);
                LOG.infof("edge on %s: the session ended; each command is an exec of its own from now", host);
            } catch (RuntimeException e) {
                forget(open);
                throw new IllegalStateException("the edge on " + host + ": " + e.getMessage(), e);
            }
        }
        List<String> command = new ArrayList<>(List.of(Edge.TOOL));
        command.addAll(List.of(argv));
        return engine.exec(Edge.CONTAINER, command, timeout);
    }

    /**
     * Throws when the edge is not the one the session was opened on: what the deployment did to the
     * edge's runtime state went with it, so the handover fails and its undo puts the old copy back,
     * which the edge's route files still name.
     */
    private void sameEdge(String started, RuntimeException cause) {
        if (!started().orElse("-").equals(started)) {
            throw new IllegalStateException(
                    "the edge on " + host + " stopped or restarted during the deployment", cause);
        }
    }

    /** When the running edge started; empty when none runs. */
    private Optional<String> started() {
        return engine.inspectContainer(Edge.CONTAINER)
                .filter(c -> c.path("State").path("Running").asBoolean())
                .map(c -> c.path("State").path("StartedAt").asText());
    }

    private void forget(EdgeSession ended) {
        synchronized (this) {
            if (session == ended) {
                session = null;
            }
        }
        ended.close();
    }

    @Override
    public void close() {
        EdgeSession open;
        synchronized (this) {
            open = session;
            session = null;
        }
        if (open != null) {
            open.close();
        }
    }
}
