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
}
