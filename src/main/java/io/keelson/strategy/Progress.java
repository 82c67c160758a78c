package io.keelson.strategy;

import java.util.function.Consumer;

/** Where a strategy reports what it does while it runs; the deployment journal implements it. */
public interface Progress {

    /** Reports nowhere: for work whose outcome the caller reports itself (a repair says what it did). */
    Progress QUIET = new Progress() {
        @Override
        public void log(String line) {}

        @Override
        public void record(UnitChange change) {}

        @Override
        public void redact(String secret) {}
    };

    /**
     * Lines go to {@code lines}, secrets to {@code parent}, changes nowhere: for work whose changes
     * the caller records itself (a rollback's own replacement).
     */
    static Progress logOnly(Consumer<String> lines, Progress parent) {
        return new Progress() {
            @Override
            public void log(String line) {
                lines.accept(line);
            }

            @Override
            public void record(UnitChange change) {}

            @Override
            public void redact(String secret) {
                parent.redact(secret);
            }

            @Override
            public void guard() {
                parent.guard();
            }

            @Override
            public void created(String host, String unit, String containerId) {
                parent.created(host, unit, containerId);
            }
        };
    }

    /** One line for the deployment log. */
    void log(String line);

    /**
     * A line worth keeping that does not by itself mean the deployment did anything: a check that
     * only notes things leaves no deployment record, and its notes go to Keelson's own log.
     */
    default void note(String line) {
        log(line);
    }

    /** Records or replaces the change of one unit on one host. */
    void record(UnitChange change);

    /** A value that must never appear in the log: every line is scrubbed of it from now on. */
    void redact(String secret);

    /**
     * Called before each step that changes a host (stop, rename, remove, create, start, compose up):
     * throws {@link LaneLost} once this replica cannot prove it still holds the target's lane, so a
     * replica that was cut off or paused never acts on units another one has taken over.
     */
    default void guard() {}

    /**
     * The container a unit's change has just created on {@code host}, recorded with that change, so
     * that a repair after a crash can tell whether the record says this very container passed.
     */
    default void created(String host, String unit, String containerId) {}
}
