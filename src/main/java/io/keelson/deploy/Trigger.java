package io.keelson.deploy;

/** What started a deployment. */
public enum Trigger {
    API,
    WATCH,
    ROLLBACK,
    WEBHOOK,
    /** A review environment deleted through the API: its project removed from its hosts. */
    STOP,
    /** A review environment Keelson stopped because its time was up. */
    EXPIRE
}
