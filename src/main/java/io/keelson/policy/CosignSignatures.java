package io.keelson.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.registry.CredentialSource;
import io.keelson.registry.ImageRef;
import io.keelson.registry.RegistryClient;
import io.keelson.registry.RegistryHost;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Checks cosign key-pair signatures as cosign stores them in the registry, with the JDK's own
 * crypto and no transparency log: the {@code sha256-<hex>.sig} tag of the repository holds one
 * simple-signing layer per signature, whose annotation is an ECDSA signature (SHA-256) over the
 * layer's bytes, and whose payload names the signed manifest digest and repository. A signature
 * counts only when all of it holds: the key, the bytes, the digest and the repository.
 */
final class CosignSignatures {

    static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
    static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
    /** A signature manifest lists a layer per signature: a few KiB. */
    static final int MAX_MANIFEST = 256 * 1024;
    /** A simple-signing payload is a few hundred bytes. */
    static final int MAX_PAYLOAD = 64 * 1024;
    /** Layers looked at per digest: a manifest stuffed with more cannot make a check read more. */
    static final int MAX_LAYERS = 16;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the registry holds for one digest's signatures. */
    sealed interface Verdict permits Valid, Unsigned, Bad {}

    record Valid() implements Verdict {}

    /** No {@code .sig} tag at all. */
    record Unsigned() implements Verdict {}

    /** A {@code .sig} tag with no valid signature, or signatures that could not be read. */
    record Bad(String reason) implements Verdict {}

    private final RegistryClient registry;

    CosignSignatures(RegistryClient registry) {
        this.registry = registry;
    }

    /** The signatures of {@code digest} in {@code image}'s repository, checked against {@code keys}. */
    Verdict verify(ImageRef image, String digest, List<PublicKey> keys, CredentialSource credentials) {
        String tag = digest.replace(':', '-') + ".sig";
        RegistryClient.Content manifest = registry.read(image, "manifests/" + tag, MAX_MANIFEST, credentials);
        if (manifest instanceof RegistryClient.Missing) {
            return new Unsigned();
        }
        if (manifest instanceof RegistryClient.Failed failed) {
            return new Bad("its signatures cannot be read: " + failed.reason());
        }
        List<JsonNode> layers;
        try {
            layers = signingLayers(JSON.readTree(((RegistryClient.Body) manifest).bytes()));
        } catch (IOException | RuntimeException e) {
            return new Bad("its signature manifest " + tag + " is not a manifest Keelson can read");
        }
        if (layers.isEmpty()) {
            return new Bad("its signature manifest " + tag + " holds no simple-signing layer");
        }
        List<String> problems = new ArrayList<>();
        for (JsonNode layer : layers) {
            Optional<String> problem = check(image, digest, layer, keys, credentials);
            if (problem.isEmpty()) {
                return new Valid();
            }
            problems.add(problem.get());
        }
        return new Bad("no valid signature: "
                + String.join("; ", problems.stream().distinct().toList()));
    }

    private static List<JsonNode> signingLayers(JsonNode manifest) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode layer : manifest.path("layers")) {
            if (SIMPLE_SIGNING.equals(layer.path("mediaType").asText()) && found.size() < MAX_LAYERS) {
                found.add(layer);
            }
        }
        return found;
    }

    /** Why one layer is not a valid signature of {@code digest}; empty when it is one. */
    private Optional<String> check(
            ImageRef image, String digest, JsonNode layer, List<PublicKey> keys, CredentialSource credentials) {
        String layerDigest = layer.path("digest").asText("");
        String signature = layer.path("annotations").path(SIGNATURE_ANNOTATION).asText("");
        if (!ImageRef.isDigest(layerDigest) || signature.isEmpty()) {
            return Optional.of("a layer without a sha256 digest or a signature annotation");
        }
        if (layer.path("size").asLong(0) > MAX_PAYLOAD) {
            return Optional.of("a payload larger than " + MAX_PAYLOAD / 1024 + " KiB");
        }
        RegistryClient.Content blob = registry.read(image, "blobs/" + layerDigest, MAX_PAYLOAD, credentials);
        if (!(blob instanceof RegistryClient.Body body)) {
            return Optional.of("its payload " + layerDigest + " cannot be read"
                    + (blob instanceof RegistryClient.Failed f ? ": " + f.reason() : " (missing)"));
        }
        byte[] payload = body.bytes();
        if (!layerDigest.equals("sha256:" + sha256(payload))) {
            return Optional.of("its payload does not match its digest (tampered)");
        }
        if (!signedBy(payload, signature, keys)) {
            return Optional.of("the signature does not verify with any of the policy's public keys");
        }
        return payloadProblem(image, digest, payload);
    }

    private static boolean signedBy(byte[] payload, String signature, List<PublicKey> keys) {
        byte[] der;
        try {
            der = Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (PublicKey key : keys) {
            try {
                Signature ecdsa = Signature.getInstance("SHA256withECDSA");
                ecdsa.initVerify(key);
                ecdsa.update(payload);
                if (ecdsa.verify(der)) {
                    return true;
                }
            } catch (GeneralSecurityException e) {
                // not this key (or not a signature at all): try the next
            }
        }
        return false;
    }

    /** The signed payload must name this very digest, in this repository. */
    private static Optional<String> payloadProblem(ImageRef image, String digest, byte[] payload) {
        JsonNode critical;
        try {
            critical = JSON.readTree(payload).path("critical");
        } catch (IOException e) {
            return Optional.of("its signed payload is not simple-signing JSON");
        }
        String signedDigest =
                critical.path("image").path("docker-manifest-digest").asText("");
        if (!digest.equals(signedDigest)) {
            return Optional.of("it signs another digest (" + shorten(signedDigest) + ")");
        }
        String reference = critical.path("identity").path("docker-reference").asText("");
        Optional<ImageRef> signedRef = ImageRef.tryParse(reference);
        if (signedRef.isEmpty() || !sameRepository(signedRef.get(), image)) {
            return Optional.of("it signs another repository (" + shorten(reference) + ")");
        }
        return Optional.empty();
    }

    private static boolean sameRepository(ImageRef a, ImageRef b) {
        return RegistryHost.of(a).equals(RegistryHost.of(b))
                && RegistryHost.path(a).equals(RegistryHost.path(b));
    }

    private static String shorten(String value) {
        return value.length() > 120 ? value.substring(0, 120) + "…" : value;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
