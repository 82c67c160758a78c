package io.keelson.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** Builds a fresh test image (a new digest and a new {@code /nonce} each time) and pushes it to the test registry. */
public final class TestImages {

    /**
     * The app image's own loop, for a container started with a command of its own: it stays up, and
     * a SIGTERM ends it at once ({@code wait} is interrupted; a plain {@code sleep 1} would first run out).
     */
    public static final String STAY_UP_SCRIPT = "trap 'exit 0' TERM; while true; do sleep 1 & wait $!; done";

    /** {@link #STAY_UP_SCRIPT} as a container's command. */
    public static String[] stayUp() {
        return new String[] {"sh", "-c", STAY_UP_SCRIPT};
    }

    /** Which Dockerfile of scripts/test-env.sh: stays up, has a healthcheck, or exits at once. */
    public enum Kind {
        APP,
        HEALTHY,
        CRASH
    }

    private TestImages() {}

    /**
     * Pushes a new build of {@code kind} as {@code ref} and returns the digest the registry gave it. The
     * build is one layer, a fresh {@code /nonce}, over the kind's base that scripts/test-env.sh pushed:
     * a copy, no container run, so a build takes a few tenths of a second rather than seconds (a full
     * run pushes a couple of hundred images).
     */
    public static String push(Kind kind, String ref) {
        TestEnv.require();
        Path context = nonceContext(kind);
        try {
            String[] build = {"docker", "build", "-q", "-t", ref, context.toString()};
            Shell.Result built = Shell.run(build);
            if (built.exit() != 0 && built.output().contains("unable to find image")) {
                // A test in another JVM removed an image whose layers this build's cache named: build it again.
                built = Shell.run(build);
            }
            built.require();
        } finally {
            deleteQuietly(context);
        }
        Shell.run("docker", "push", ref).require();
        return digestOf(ref);
    }

    /** The base of {@code kind}: busybox, its applets and the kind's command (scripts/test-env.sh). */
    public static String base(Kind kind) {
        return TestEnv.REGISTRY + "/keelson-test/" + kind.name().toLowerCase() + ":base";
    }

    private static Path nonceContext(Kind kind) {
        try {
            Path dir = Files.createTempDirectory("keelson-image");
            Files.writeString(dir.resolve("nonce"), UUID.randomUUID() + "\n");
            Files.writeString(dir.resolve("Dockerfile"), "FROM " + base(kind) + "\nCOPY nonce /nonce\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // A temporary folder left behind is harmless.
        }
    }

    /** The registry digest of a local image, from its RepoDigests. */
    public static String digestOf(String ref) {
        String repo = ref.substring(0, ref.lastIndexOf(':'));
        String json = Shell.run(
                        "docker", "image", "inspect", "--format", "{{range .RepoDigests}}{{println .}}{{end}}", ref)
                .require();
        return json.lines()
                .filter(l -> l.startsWith(repo + "@"))
                .map(l -> l.substring(l.indexOf('@') + 1))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no digest for " + ref + ": " + json));
    }

    /** A repository name no other test uses. */
    public static String uniqueRepo(String prefix) {
        return TestEnv.REGISTRY + "/it/" + prefix + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }
}
