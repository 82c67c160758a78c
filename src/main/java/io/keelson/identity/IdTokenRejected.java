package io.keelson.identity;

/** An ID token that does not verify; the message says which check failed, never the token. */
public class IdTokenRejected extends Exception {
    public IdTokenRejected(String message) {
        super(message);
    }
}
