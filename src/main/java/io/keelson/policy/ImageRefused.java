package io.keelson.policy;

import java.util.Optional;

/**
 * A deployment the policy will not let run as asked: a digest too young (with the {@link
 * PolicyHold} that says until when), a missing or bad signature, or images whose digests could not
 * be learned. Nothing was pulled or changed when it is thrown.
 */
public class ImageRefused extends RuntimeException {

    private final transient PolicyHold hold;

    public ImageRefused(String message, PolicyHold hold) {
        super(message);
        this.hold = hold;
    }

    /** Until when a too-young digest is held; empty for a refusal that waiting does not end. */
    public Optional<PolicyHold> hold() {
        return Optional.ofNullable(hold);
    }
}
