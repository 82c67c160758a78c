package io.keelson.deploy;

/** Where a deployment is in its life; the last four are final. */
public enum Status {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    ROLLED_BACK,
    INTERRUPTED;

    public boolean isFinal() {
        return this != QUEUED && this != RUNNING;
    }
}
