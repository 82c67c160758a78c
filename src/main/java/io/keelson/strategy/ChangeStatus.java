package io.keelson.strategy;

/**
 * What happened to one unit in a deployment. {@code STARTED} is recorded just before a unit is
 * touched and replaced by the outcome; a deployment cut off in between keeps it until the next start
 * of Keelson, which turns it into {@code FAILED} (the new version never passed its gate).
 */
public enum ChangeStatus {
    SUCCEEDED,
    UNCHANGED,
    FAILED,
    ROLLED_BACK,
    STARTED
}
