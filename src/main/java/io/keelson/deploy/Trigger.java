package io.keelson.deploy;

/** What started a deployment. */
public enum Trigger {
    API,
    WATCH,
    ROLLBACK,
    WEBHOOK
}
