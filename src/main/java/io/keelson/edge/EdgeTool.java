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
    synchronized void keepOpen() {
        if (session == null) {
            try {
                startedAt = started().orElse("");
                session = EdgeSession.open(engine);
            } catch (RuntimeException e) {
                LOG.infof("edge on %s: no session (%s); each command is an exec of its own", host, e.getMessage());
            }
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
        synchronized (this) {
            open = session;
        }
        if (open != null) {
            try {
                Optional<ContainerExec.Result> answer = open.call(List.of(argv), timeout);
                if (answer.isPresent()) {
                    return answer.get();
                }
            } catch (ExecStream.Ended e) {
                forget(open);
                if (!started().orElse("-").equals(startedAt)) {
                    // What the deployment did to the edge's runtime state went with it: the handover fails and
                    // its undo puts the old copy back, which the edge's route files still name.
                    throw new IllegalStateException(
                            "the edge on " + host + " stopped or restarted during the deployment", e);
                }
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

    /** When the running edge started; empty when none runs. */
    private Optional<String> started() {
        return engine.inspectContainer(Edge.CONTAINER)
                .filter(c -> c.path("State").path("Running").asBoolean())
                .map(c -> c.path("State").path("StartedAt").asText());
    }

    private synchronized void forget(EdgeSession ended) {
        ended.close();
        if (session == ended) {
            session = null;
        }
    }

    @Override
    public synchronized void close() {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
