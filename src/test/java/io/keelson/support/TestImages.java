package io.keelson.support;

import java.util.UUID;

/** Builds a fresh test image (a new digest each time) from busybox-static and pushes it to the test registry. */
public final class TestImages {

    /** Which Dockerfile of scripts/test-env.sh: stays up, has a healthcheck, or exits at once. */
    public enum Kind {
        APP,
        HEALTHY,
        CRASH
    }

    private TestImages() {}

    /** Pushes a new build of {@code kind} as {@code ref} and returns the digest the registry gave it. */
    public static String push(Kind kind, String ref) {
        TestEnv.require();
        String dockerfile = TestEnv.busyboxContext()
                .resolve("Dockerfile." + kind.name().toLowerCase())
                .toString();
        String[] build = {
            "docker",
            "build",
            "-q",
            "--build-arg",
            "NONCE=" + UUID.randomUUID(),
            "-f",
            dockerfile,
            "-t",
            ref,
            TestEnv.busyboxContext().toString()
        };
        Shell.Result built = Shell.run(build);
        if (built.exit() != 0 && built.output().contains("unable to find image")) {
            // A test in another JVM removed an image whose layers this build's cache named: build it again.
            built = Shell.run(build);
        }
        built.require();
        Shell.run("docker", "push", ref).require();
        return digestOf(ref);
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
