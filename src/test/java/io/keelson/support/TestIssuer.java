package io.keelson.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;

/**
 * A CI's OIDC issuer, run by the test: HTTPS on {@link #URL} with a CA of its own (written to
 * {@link #CA_FILE}, which the test profile gives Keelson), a discovery document, a JWKS, and a mint for
 * the ID tokens a GitLab job would get, right or wrong in every way a test needs.
 */
public final class TestIssuer implements AutoCloseable {

    public static final int PORT = 18443;
    public static final String URL = "https://127.0.0.1:" + PORT;
    public static final String AUDIENCE = "https://keelson.test";
    public static final Path CA_FILE = Path.of("target/test-issuer/ca.pem");

    private final SSLContext tls;
    private final List<PublicJsonWebKey> keys = new ArrayList<>();
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private volatile long keysDelayMillis;
    private HttpsServer server;

    private TestIssuer(SSLContext tls) {
        this.tls = tls;
    }

    /** Starts the issuer with one RSA key ({@code rsa-1}) and one P-256 key ({@code ec-1}). */
    public static TestIssuer start() throws Exception {
        TestIssuer issuer = new TestIssuer(tls());
        issuer.keys.add(rsa("rsa-1"));
        PublicJsonWebKey ec = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        ec.setKeyId("ec-1");
        issuer.keys.add(ec);
        issuer.up();
        return issuer;
    }

    /** Serves again (after {@link #down}). */
    public void up() throws IOException {
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", PORT), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/.well-known/openid-configuration", ex -> answer(ex, """
                {"issuer": "%s", "jwks_uri": "%s/oauth/discovery/keys"}""".formatted(URL, URL)));
        server.createContext("/oauth/discovery/keys", ex -> {
            jwksFetches.incrementAndGet();
            try {
                Thread.sleep(keysDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<JsonWebKey> published;
            synchronized (keys) {
                published = List.copyOf(keys);
            }
            answer(ex, new JsonWebKeySet(published).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        });
        // GitHub's token request (ACTIONS_ID_TOKEN_REQUEST_URL): a fresh token of repository 987654 per call.
        server.createContext("/_actions/token", ex -> {
            String query = ex.getRequestURI().getQuery();
            String audience = query.replaceAll(".*audience=([^&]*).*", "$1");
            try {
                Mint mint = github("987654", "lappis/tais", "555");
                mint.audience = java.net.URLDecoder.decode(audience, StandardCharsets.UTF_8);
                answer(ex, "{\"count\": 1, \"value\": \"" + mint.sign() + "\"}");
            } catch (Exception e) {
                throw new IOException(e);
            }
        });
        server.start();
    }

    /** Stops answering: connections are refused. */
    public void down() {
        server.stop(0);
    }

    @Override
    public void close() {
        down();
    }

    /** Answers each JWKS request {@code delay} late (a slow issuer); zero for on time. */
    public void delayKeys(java.time.Duration delay) {
        keysDelayMillis = delay.toMillis();
    }

    /** How many times the JWKS was fetched (counted as each request arrives). */
    public int jwksFetches() {
        return jwksFetches.get();
    }

    /** Publishes a new RSA key (a rotation) and answers its kid. */
    public String rotate() throws Exception {
        PublicJsonWebKey key = rsa("rsa-" + UUID.randomUUID().toString().substring(0, 8));
        synchronized (keys) {
            keys.add(key);
        }
        return key.getKeyId();
    }

    /** A GitLab-shaped token for {@code project_id} of {@code project_path}, pipeline {@code pipeline}: valid until changed. */
    public Mint gitlab(String projectId, String projectPath, String pipeline) {
        Mint m = new Mint();
        m.claims.put("project_id", projectId);
        m.claims.put("project_path", projectPath);
        m.claims.put("namespace_id", "77");
        m.claims.put("pipeline_id", pipeline);
        m.claims.put("job_id", "9" + pipeline);
        m.claims.put("sha", "3f2a9c1e0000000000000000000000000000abcd");
        m.claims.put("ref", "main");
        m.claims.put("ref_protected", "true");
        return m;
    }

    /** A GitHub-shaped token for repository {@code repositoryId} ({@code repository}), run {@code run}. */
    public Mint github(String repositoryId, String repository, String run) {
        Mint m = new Mint();
        m.claims.put("repository_id", repositoryId);
        m.claims.put("repository", repository);
        m.claims.put("repository_owner_id", "42");
        m.claims.put("run_id", run);
        m.claims.put("sha", "3f2a9c1e0000000000000000000000000000abcd");
        m.claims.put("ref", "refs/heads/main");
        m.claims.put("job", "deploy");
        return m;
    }

    /** One ID token to be: every field a test may spoil. */
    public final class Mint {
        public String issuer = URL;
        public Object audience = AUDIENCE;
        public String kid = "rsa-1";
        public String alg = AlgorithmIdentifiers.RSA_USING_SHA256;
        public String jti = UUID.randomUUID().toString();
        public Instant expires = Instant.now().plus(5, ChronoUnit.MINUTES);
        public Instant notBefore = Instant.now().minus(1, ChronoUnit.MINUTES);
        public final Map<String, Object> claims = new LinkedHashMap<>();

        public Mint with(java.util.function.Consumer<Mint> change) {
            change.accept(this);
            return this;
        }

        /** The compact JWS, signed by the key {@link #kid} names (or none, or HS256, as {@link #alg} says). */
        public String sign() throws Exception {
            JwtClaims c = new JwtClaims();
            c.setIssuer(issuer);
            if (audience instanceof List<?> list) {
                c.setAudience(list.stream().map(String::valueOf).toList());
            } else if (audience != null) {
                c.setAudience(String.valueOf(audience));
            }
            if (expires != null) {
                c.setExpirationTime(NumericDate.fromSeconds(expires.getEpochSecond()));
            }
            if (notBefore != null) {
                c.setNotBefore(NumericDate.fromSeconds(notBefore.getEpochSecond()));
            }
            c.setIssuedAtToNow();
            if (jti != null) {
                c.setJwtId(jti);
            }
            claims.forEach(c::setClaim);
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(c.toJson());
            jws.setAlgorithmHeaderValue(alg);
            if (kid != null) {
                jws.setKeyIdHeaderValue(kid);
            }
            PublicJsonWebKey signer = key(kid == null ? "rsa-1" : kid);
            switch (alg) {
                case AlgorithmIdentifiers.NONE -> jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
                case AlgorithmIdentifiers.HMAC_SHA256 -> {
                    // The classic confusion attack: the public key's bytes as an HMAC secret.
                    jws.setKey(new HmacKey(signer.getPublicKey().getEncoded()));
                    jws.setDoKeyValidation(false);
                }
                default -> jws.setKey(signer.getPrivateKey());
            }
            return jws.getCompactSerialization();
        }
    }

    /** The key {@code kid} names, or a stranger's RSA key (not published) for any other kid. */
    private PublicJsonWebKey key(String kid) throws Exception {
        synchronized (keys) {
            for (PublicJsonWebKey k : keys) {
                if (k.getKeyId().equals(kid)) {
                    return k;
                }
            }
        }
        return rsa(kid);
    }

    private static PublicJsonWebKey rsa(String kid) throws Exception {
        PublicJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId(kid);
        return key;
    }

    private static void answer(HttpExchange ex, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** A CA, a certificate for 127.0.0.1 it signed, and the CA written as PEM where Keelson reads it. */
    private static SSLContext tls() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair ca = generator.generateKeyPair();
        KeyPair server = generator.generateKeyPair();
        X500Name caName = new X500Name("CN=Keelson test issuer CA");
        Date from = Date.from(Instant.now().minus(1, ChronoUnit.DAYS));
        Date until = Date.from(Instant.now().plus(2, ChronoUnit.DAYS));
        JcaX509v3CertificateBuilder caBuilder =
                new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, from, until, caName, ca.getPublic());
        caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate caCert = new JcaX509CertificateConverter()
                .getCertificate(caBuilder.build(new JcaContentSignerBuilder("SHA256withRSA").build(ca.getPrivate())));
        JcaX509v3CertificateBuilder serverBuilder = new JcaX509v3CertificateBuilder(
                caName, BigInteger.TWO, from, until, new X500Name("CN=127.0.0.1"), server.getPublic());
        serverBuilder.addExtension(
                Extension.subjectAlternativeName,
                false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        X509Certificate serverCert = new JcaX509CertificateConverter()
                .getCertificate(
                        serverBuilder.build(new JcaContentSignerBuilder("SHA256withRSA").build(ca.getPrivate())));
        Files.createDirectories(CA_FILE.getParent());
        Files.writeString(
                CA_FILE,
                "-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(caCert.getEncoded())
                        + "\n-----END CERTIFICATE-----\n");
        char[] password = "test".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", server.getPrivate(), password, new Certificate[] {serverCert, caCert});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}
