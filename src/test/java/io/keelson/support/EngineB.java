package io.keelson.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The second Docker engine is shared by the test JVMs that run side by side, and one test restarts
 * it: a file lock across processes keeps that restart away from tests deploying to it. Users hold
 * it shared, the restart holds it exclusive; each waits for the other.
 */
public final class EngineB {

    private static final Path LOCK = TestEnv.DIR.resolve("engine-b.lock");

    private EngineB() {}

    /** Held while a test deploys to the second engine (close it when done). */
    public static AutoCloseable use() {
        return lock(true);
    }

    /** Held while a test restarts the second engine: no other test uses it meanwhile. */
    public static AutoCloseable exclusive() {
        return lock(false);
    }

    private static AutoCloseable lock(boolean shared) {
        try {
            FileChannel channel = FileChannel.open(
                    LOCK, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.lock(0, Long.MAX_VALUE, shared);
            return () -> {
                lock.release();
                channel.close();
            };
        } catch (IOException e) {
            throw new UncheckedIOException("could not lock " + LOCK, e);
        }
    }
}
