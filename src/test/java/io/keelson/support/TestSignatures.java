package io.keelson.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.UUID;

/**
 * Cosign key-pair signatures made in the test, laid out in the test registry as cosign lays them
 * out: an ECDSA P-256 key, a simple-signing payload naming the digest and repository, and an OCI
 * manifest under the {@code sha256-<hex>.sig} tag whose one layer is that payload, annotated with
 * its signature. Pushed with the registry's own HTTP API.
 */
public final class TestSignatures {

    private TestSignatures() {}

    /** A fresh key pair, and its public half as a PEM file Keelson can read. */
    public record Key(KeyPair pair, Path publicKeyFile) {}

    public static Key newKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            Path dir = Files.createDirectories(Path.of("target", "test-keys"));
            Path file = dir.resolve(UUID.randomUUID() + ".pub").toAbsolutePath();
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(pair.getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n";
            Files.writeString(file, pem);
            return new Key(pair, file);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs {@code digest} of {@code repository} with {@code key}: the signature cosign would push. */
    public static void sign(String repository, String digest, Key key) {
        push(repository, digest, key, payload(repository, digest), false);
    }

    /** Pushes, under {@code digest}'s signature tag, a valid signature of {@code otherDigest} instead. */
    public static void signOther(String repository, String digest, String otherDigest, Key key) {
        push(repository, digest, key, payload(repository, otherDigest), false);
    }

    /** Pushes a signature whose payload was changed after it was signed. */
    public static void signTampered(String repository, String digest, Key key) {
        push(repository, digest, key, payload(repository, digest), true);
    }

    /** The simple-signing payload cosign signs. */
    public static String payload(String repository, String digest) {
        return """
                {"critical":{"identity":{"docker-reference":"%s"},"image":{"docker-manifest-digest":"%s"},\
                "type":"cosign container image signature"},"optional":null}""".formatted(repository, digest);
    }

    /**
     * Pushes, by the registry's API, an image whose config says it was {@code created} then (as
     * reproducible builds say 1970): it is only ever asked for, never run. Answers its digest.
     */
    public static String pushImageCreated(String repository, String tag, String created) {
        String name = repository.substring(repository.indexOf('/') + 1);
        byte[] config = """
                {"architecture":"amd64","os":"linux","created":"%s","config":{},
                 "rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}""".formatted(created, "0".repeat(64)).getBytes(StandardCharsets.UTF_8);
        byte[] layer = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
        String manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":%d,"digest":"%s"},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","size":%d,"digest":"%s"}]}""".formatted(
                config.length, TestRegistry.upload(name, config), layer.length, TestRegistry.upload(name, layer));
        return TestRegistry.putManifest(name, tag, "application/vnd.oci.image.manifest.v1+json", manifest);
    }

    private static void push(String repository, String digest, Key key, String payload, boolean tamper) {
        byte[] signed = payload.getBytes(StandardCharsets.UTF_8);
        String signature = Base64.getEncoder().encodeToString(ecdsa(signed, key.pair()));
        byte[] stored = tamper
                ? payload.replace("cosign container", "cosign  container").getBytes(StandardCharsets.UTF_8)
                : signed;
        String name = repository.substring(repository.indexOf('/') + 1);
        String payloadDigest = TestRegistry.upload(name, stored);
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        String configDigest = TestRegistry.upload(name, config);
        String manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":%d,"digest":"%s"},
                 "layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":%d,"digest":"%s",
                            "annotations":{"dev.cosignproject.cosign/signature":"%s"}}]}""".formatted(config.length, configDigest, stored.length, payloadDigest, signature);
        TestRegistry.putManifest(
                name, digest.replace(':', '-') + ".sig", "application/vnd.oci.image.manifest.v1+json", manifest);
    }

    private static byte[] ecdsa(byte[] data, KeyPair pair) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(pair.getPrivate());
            signer.update(data);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
