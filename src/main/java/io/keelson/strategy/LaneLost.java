package io.keelson.strategy;

/**
 * This replica can no longer prove it holds the target's lane (its lease ran out: it was cut off
 * from the database, or paused): it must not change a host any more, since another replica may be
 * working the same units now.
 */
public class LaneLost extends RuntimeException {

    public LaneLost(String target) {
        super("this replica no longer holds the lane of '" + target
                + "' (its lease ran out); it changes nothing more there, another replica takes over");
    }
}
