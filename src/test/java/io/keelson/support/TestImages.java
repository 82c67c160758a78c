package io.keelson.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Pushes a fresh test image (a new digest and a new {@code /nonce} each time) to the test registry. */
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

    private static final String MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestImages() {}

    /**
     * Pushes a new image of {@code kind} as {@code ref} and returns the digest the registry gave it; the
     * engine then pulls it, so it is there under {@code ref} as a local build would leave it. The image
     * is the kind's base that scripts/test-env.sh pushed plus one layer, a fresh {@code /nonce}, put
     * together here and pushed through the registry's API: the engine only pulls one small layer,
     * where {@code docker build} and {@code docker push} cost about 0.7 s of CPU each time (a full run
     * pushes about two hundred images). An image for another registry is made in the test registry
     * and carried over by the engine.
     */
    public static String push(Kind kind, String ref) {
        TestEnv.require();
        int slash = ref.indexOf('/');
        int colon = ref.lastIndexOf(':');
        String host = ref.substring(0, slash);
        String name = ref.substring(slash + 1, colon);
        String digest = withNonce(kind, name, ref.substring(colon + 1));
        if (host.equals(TestEnv.REGISTRY)) {
            Shell.run("docker", "pull", "-q", ref).require();
            return digest;
        }
        // Another test registry (one that asks for credentials, say): the engine carries it over, logged in.
        String local = TestEnv.REGISTRY + ref.substring(slash);
        Shell.run("docker", "pull", "-q", local).require();
        Shell.run("docker", "tag", local, ref).require();
        Shell.run("docker", "push", ref).require();
        // Only under ref, as a build would leave it: a test that removes ref makes Keelson pull it again.
        Shell.run("docker", "rmi", local).require();
        return digestOf(ref);
    }

    /**
     * Tags, in the registry, what {@code repo:from} names as {@code repo:to} too: the same manifest,
     * so the same digest (a {@code docker push} would write a manifest of its own).
     */
    public static void retag(String repo, String from, String to) {
        String name = repo.substring(repo.indexOf('/') + 1);
        byte[] manifest = TestRegistry.get("/v2/" + name + "/manifests/" + from, MANIFEST);
        TestRegistry.putManifest(name, to, MANIFEST, new String(manifest, StandardCharsets.UTF_8));
    }

    private static String withNonce(Kind kind, String name, String tag) {
        String baseName =
                base(kind).substring(TestEnv.REGISTRY.length() + 1, base(kind).lastIndexOf(':'));
        JsonNode baseManifest = json(TestRegistry.get("/v2/" + baseName + "/manifests/base", MANIFEST));
        ObjectNode config = (ObjectNode) json(TestRegistry.get(
                "/v2/" + baseName + "/blobs/"
                        + baseManifest.path("config").path("digest").asText(),
                "*/*"));
        byte[] tar = nonceTar();
        byte[] layer = gzip(tar);
        String created = Instant.now().toString();
        ((ArrayNode) config.path("rootfs").path("diff_ids")).add("sha256:" + TestRegistry.sha256(tar));
        ((ArrayNode) config.path("history")).addObject().put("created", created).put("created_by", "COPY nonce /nonce");
        config.put("created", created);
        byte[] configBytes = config.toString().getBytes(StandardCharsets.UTF_8);

        ObjectNode manifest = baseManifest.deepCopy();
        for (JsonNode baseLayer : manifest.path("layers")) {
            TestRegistry.mount(name, baseLayer.path("digest").asText(), baseName);
        }
        ((ArrayNode) manifest.path("layers"))
                .addObject()
                .put("mediaType", "application/vnd.docker.image.rootfs.diff.tar.gzip")
                .put("size", layer.length)
                .put("digest", TestRegistry.upload(name, layer));
        ((ObjectNode) manifest.path("config"))
                .put("size", configBytes.length)
                .put("digest", TestRegistry.upload(name, configBytes));
        return TestRegistry.putManifest(name, tag, MANIFEST, manifest.toString());
    }

    /** A layer of one file, {@code /nonce}: a fresh UUID and a newline. */
    private static byte[] nonceTar() {
        byte[] nonce = (UUID.randomUUID() + "\n").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry entry = new TarArchiveEntry("nonce");
            entry.setSize(nonce.length);
            entry.setMode(0644);
            entry.setModTime(System.currentTimeMillis());
            tar.putArchiveEntry(entry);
            tar.write(nonce);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base of {@code kind}: busybox, its applets and the kind's command (scripts/test-env.sh). */
    public static String base(Kind kind) {
        return TestEnv.REGISTRY + "/keelson-test/" + kind.name().toLowerCase() + ":base";
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
