package io.keelson.cluster;

/**
 * A word from one replica to all (itself included): work was queued on a target, a deployment
 * ended, a deployment's log grew. {@link Kind#RESYNC} says signals may have been missed, so whoever
 * waits should look at the database again.
 */
public record Signal(Kind kind, String subject) {

    public enum Kind {
        WORK,
        ENDED,
        LOG,
        RESYNC
    }

    String payload() {
        return kind.name() + ":" + subject;
    }

    /** The signal a payload names, or null for one this version does not know. */
    static Signal parse(String payload) {
        int colon = payload.indexOf(':');
        if (colon < 0) {
            return null;
        }
        try {
            return new Signal(Kind.valueOf(payload.substring(0, colon)), payload.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
