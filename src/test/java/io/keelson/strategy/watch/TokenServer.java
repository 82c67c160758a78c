package io.keelson.strategy.watch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.keelson.support.TestEnv;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * The token service of a token-authenticated registry (the distribution registry's {@code auth.token}):
 * checks basic credentials and answers a JWT signed with the test environment's key, granting pull
 * and push on the repositories asked for. Anonymous callers get a token that grants nothing.
 */
final class TokenServer implements AutoCloseable {

    static final String SERVICE = "keelson-test";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String user;
    private final String password;
    private final PrivateKey key;
    private final String certificate;

    private TokenServer(String user, String password) throws Exception {
        this.user = user;
        this.password = password;
        String pem = Files.readString(TestEnv.DIR.resolve("token.key"))
                .replaceAll("-----[A-Z ]+-----", "")
                .replaceAll("\\s", "");
        this.key = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(TestEnv.DIR.resolve("token.crt"))));
        this.certificate = Base64.getEncoder().encodeToString(cert.getEncoded());
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", this::token);
        server.start();
    }

    static TokenServer start(String user, String password) throws Exception {
        return new TokenServer(user, password);
    }

    String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    private void token(HttpExchange exchange) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        boolean known = auth != null
                && auth.equals("Basic "
                        + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        if (auth != null && !known) {
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
            return;
        }
        ArrayNode access = JSON.createArrayNode();
        String query = exchange.getRequestURI().getRawQuery() == null
                ? ""
                : exchange.getRequestURI().getRawQuery();
        for (String param : query.split("&")) {
            if (known && param.startsWith("scope=")) {
                String[] scope = URLDecoder.decode(param.substring(6), StandardCharsets.UTF_8)
                        .split(":");
                if (scope.length == 3 && scope[0].equals("repository")) {
                    ObjectNode grant = access.addObject();
                    grant.put("type", "repository").put("name", scope[1]);
                    grant.putArray("actions").add("pull").add("push");
                }
            }
        }
        byte[] body;
        try {
            String jwt = sign(access);
            body = JSON.writeValueAsBytes(JSON.createObjectNode()
                    .put("token", jwt)
                    .put("access_token", jwt)
                    .put("expires_in", 300));
        } catch (Exception e) {
            throw new IOException(e);
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private String sign(ArrayNode access) throws Exception {
        ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "RS256");
        header.putArray("x5c").add(certificate);
        long now = Instant.now().getEpochSecond();
        ObjectNode claims = JSON.createObjectNode()
                .put("iss", SERVICE)
                .put("sub", user)
                .put("aud", SERVICE)
                .put("exp", now + 300)
                .put("nbf", now - 10)
                .put("iat", now)
                .put("jti", UUID.randomUUID().toString());
        claims.set("access", access);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(JSON.writeValueAsBytes(header)) + "."
                + b64.encodeToString(JSON.writeValueAsBytes(claims));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64.encodeToString(rsa.sign());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
