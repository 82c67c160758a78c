package io.keelson.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Signals between the parts of Keelson, on this replica and (on PostgreSQL) on the others. A
 * signal only says "look again": what happened is always read from the database, so a lost or
 * duplicated signal costs a delay (until the next sweep), never a wrong answer.
 */
@ApplicationScoped
public class Signals {

    private static final Logger LOG = Logger.getLogger(Signals.class);

    private final List<Consumer<Signal>> listeners = new CopyOnWriteArrayList<>();
    private volatile Consumer<Signal> remote = signal -> {};

    /** Delivers the signal here at once and to the other replicas, if there is a channel to them. */
    public void publish(Signal.Kind kind, String subject) {
        Signal signal = new Signal(kind, subject);
        deliver(signal);
        remote.accept(signal);
    }

    public void listen(Consumer<Signal> listener) {
        listeners.add(listener);
    }

    /** A signal from another replica. */
    void deliver(Signal signal) {
        for (Consumer<Signal> listener : listeners) {
            try {
                listener.accept(signal);
            } catch (RuntimeException e) {
                LOG.warnf(e, "a listener failed on %s", signal);
            }
        }
    }

    /** Where signals for the other replicas go (the PostgreSQL channel). */
    void sendRemoteWith(Consumer<Signal> sender) {
        this.remote = sender;
    }
}
