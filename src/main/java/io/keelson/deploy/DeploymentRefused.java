package io.keelson.deploy;

/** A deployment or rollback that cannot be started; {@link Kind} tells the API which status to answer. */
public class DeploymentRefused extends RuntimeException {

    /** Why it was refused. */
    public enum Kind {
        NOT_FOUND,
        CONFLICT,
        INVALID,
        TOO_MANY,
        /** An older pipeline than the newest that succeeded: it would put an older release back. */
        OUTDATED,
        /** Something it needs now (a host) cannot be reached: try again later. */
        UNAVAILABLE,
        /** The target's policy holds deployments now (a freeze, or outside its windows). */
        FROZEN,
        /** A digest the deployment would run was first seen too recently for the target's minAge. */
        TOO_YOUNG
    }

    private final Kind kind;
    private final long retryAfterSeconds;

    public DeploymentRefused(Kind kind, String message) {
        this(kind, message, 0);
    }

    /** A refusal that says when to try again: whole seconds, 0 for the API's default. */
    public DeploymentRefused(Kind kind, String message, long retryAfterSeconds) {
        super(message);
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Kind kind() {
        return kind;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
