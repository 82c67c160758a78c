package io.keelson.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The test registry's own HTTP API (distribution v2), for what a test puts there without a Docker
 * engine: blobs, cross-repository mounts and manifests. Repository names are without the registry
 * host ({@code it/app-1234}).
 */
public final class TestRegistry {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private TestRegistry() {}

    /** Uploads {@code blob} into repository {@code name} in one request; answers its digest. */
    public static String upload(String name, byte[] blob) {
        String digest = "sha256:" + sha256(blob);
        HttpResponse<byte[]> started = send(
                HttpRequest.newBuilder(uri("/v2/" + name + "/blobs/uploads/"))
                        .POST(HttpRequest.BodyPublishers.noBody()),
                202);
        String location = started.headers().firstValue("Location").orElseThrow();
        URI put = URI.create((location.startsWith("http") ? location : "http://" + TestEnv.REGISTRY + location)
                + (location.contains("?") ? "&" : "?") + "digest=" + digest);
        send(
                HttpRequest.newBuilder(put)
                        .header("Content-Type", "application/octet-stream")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)),
                201);
        return digest;
    }

    /** Makes blob {@code digest} of repository {@code from} a blob of {@code name} too, without copying it. */
    public static void mount(String name, String digest, String from) {
        send(
                HttpRequest.newBuilder(uri("/v2/" + name + "/blobs/uploads/?mount=" + digest + "&from=" + from))
                        .POST(HttpRequest.BodyPublishers.noBody()),
                201);
    }

    /** Puts a manifest under {@code reference} (a tag or a digest); answers the digest the registry gave it. */
    public static String putManifest(String name, String reference, String mediaType, String manifest) {
        HttpResponse<byte[]> put = send(
                HttpRequest.newBuilder(uri("/v2/" + name + "/manifests/" + reference))
                        .header("Content-Type", mediaType)
                        .PUT(HttpRequest.BodyPublishers.ofString(manifest)),
                201);
        return put.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }

    /** GET of a registry path (a manifest or a blob), asking for {@code accept}. */
    public static byte[] get(String path, String accept) {
        return send(HttpRequest.newBuilder(uri(path)).header("Accept", accept).GET(), 200)
                .body();
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static URI uri(String path) {
        return URI.create("http://" + TestEnv.REGISTRY + path);
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder request, int expected) {
        try {
            HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != expected) {
                throw new IllegalStateException("registry answered " + response.statusCode() + " to "
                        + response.request().method() + " " + response.request().uri() + ": "
                        + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
            return response;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
