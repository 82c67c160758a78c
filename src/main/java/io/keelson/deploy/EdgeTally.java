package io.keelson.deploy;

/**
 * One route's counters as Keelson reports them: running totals across the edge's reloads. HAProxy
 * counts per worker, and every reload (a route added or removed on the host, by any target) starts a
 * new worker at zero; reported as read, a counter would fall back and a dashboard would show
 * traffic vanish. A new worker (another pid, or a count below the last one) carries the old
 * worker's last reading over. What an old worker took between Keelson's last read and the reload
 * is not counted: the totals are a floor, never more than the edge took.
 */
record EdgeTally(String worker, long lastConnections, long lastFailed, long carriedConnections, long carriedFailed) {

    static EdgeTally first(String worker, long connections, long failed) {
        return new EdgeTally(worker, connections, failed, 0, 0);
    }

    /** The tally after a new reading of {@code worker}'s counters. */
    EdgeTally next(String worker, long connections, long failed) {
        boolean newWorker = !worker.equals(this.worker) || connections < lastConnections || failed < lastFailed;
        return newWorker
                ? new EdgeTally(
                        worker, connections, failed, carriedConnections + lastConnections, carriedFailed + lastFailed)
                : new EdgeTally(worker, connections, failed, carriedConnections, carriedFailed);
    }

    long connections() {
        return carriedConnections + lastConnections;
    }

    long failed() {
        return carriedFailed + lastFailed;
    }
}
