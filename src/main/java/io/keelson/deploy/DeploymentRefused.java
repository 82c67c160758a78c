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
        UNAVAILABLE
    }

    private final Kind kind;

    public DeploymentRefused(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
