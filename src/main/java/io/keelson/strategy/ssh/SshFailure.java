package io.keelson.strategy.ssh;

/** An SSH connection or command that failed, with a message an operator can act on. */
public class SshFailure extends RuntimeException {

    public SshFailure(String message) {
        super(message);
    }

    public SshFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
