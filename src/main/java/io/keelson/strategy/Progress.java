package io.keelson.strategy;

/** Where a strategy reports what it does while it runs; the deployment journal implements it. */
public interface Progress {

    /** One line for the deployment log. */
    void log(String line);

    /** Records or replaces the change of one unit on one host. */
    void record(UnitChange change);

    /** A value that must never appear in the log: every line is scrubbed of it from now on. */
    void redact(String secret);
}
