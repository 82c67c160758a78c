package io.keelson.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the public keys a signature policy trusts: PEM {@code PUBLIC KEY} files as {@code cosign
 * generate-key-pair} writes them (ECDSA), read with the JDK alone. The catalog reads them when a
 * target is loaded, so a key that cannot be used is a catalog error, not a failed deployment.
 */
public final class PublicKeyFiles {

    /** A key file is a few hundred bytes; anything much larger is not one. */
    private static final long MAX_BYTES = 16 * 1024;

    private static final Pattern PEM =
            Pattern.compile("-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

    private PublicKeyFiles() {}

    /**
     * The key in {@code file}.
     *
     * @throws IllegalArgumentException saying why it cannot be used
     */
    public static PublicKey read(String file) {
        if (file == null || !file.startsWith("/")) {
            throw new IllegalArgumentException("must be an absolute path to a PEM public key");
        }
        Path path = Path.of(file);
        try {
            if (!Files.isRegularFile(path) || Files.size(path) > MAX_BYTES) {
                throw new IllegalArgumentException(
                        "'" + file + "' is not a readable file of at most " + MAX_BYTES / 1024 + " KiB");
            }
            return parse(Files.readString(path, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException known
                    && known.getMessage().startsWith("'")) {
                throw known;
            }
            throw new IllegalArgumentException("'" + file + "' cannot be read as a PEM public key: " + e.getMessage());
        }
    }

    /** The ECDSA key of a PEM text. */
    public static PublicKey parse(String pem) {
        Matcher m = PEM.matcher(pem);
        if (!m.find()) {
            throw new IllegalArgumentException("no '-----BEGIN PUBLIC KEY-----' block");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an ECDSA public key (" + e.getMessage() + ")");
        }
    }
}
