import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;

/**
 * The floor under an ID-token check: only the two things the contract requires of it and no
 * static token needs, done the way Keelson does them, with nothing of Keelson around them (no HTTP,
 * no pool, no rules, no catalog). (1) The signature and claims check of an RS256 token by jose4j,
 * with Keelson's constraints (RS256/ES256, iss, aud, exp, jti, 60 s leeway). (2) Spending its jti:
 * one INSERT in auto-commit on H2 with Keelson's own schema (its migrations, so WRITE_DELAY 0: the
 * commit is written before the answer, and a restart forgets no spent id).
 *
 * <p>Usage: {@code java -cp H2_JAR:JOSE4J_JAR bench/AuthFloor.java WORK_DIR MIGRATIONS_DIR COUNT RUNS}.
 * Prints p50 and p99 of each part and of their sum per token, medians over RUNS runs of COUNT tokens
 * (after one warm-up run).
 */
public class AuthFloor {

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path migrations = Path.of(args[1]);
        int count = Integer.parseInt(args[2]);
        int runs = Integer.parseInt(args[3]);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + work.resolve("keelson"), "sa", "")) {
            try (var files = Files.list(migrations)) {
                List<Path> scripts = files.sorted((a, b) -> version(a) - version(b)).toList();
                for (Path script : scripts) {
                    db.createStatement().execute("RUNSCRIPT FROM '" + script.toAbsolutePath() + "'");
                }
            }
            db.setAutoCommit(true);
            List<double[]> verify = new ArrayList<>(), spend = new ArrayList<>(), both = new ArrayList<>();
            for (int run = 0; run <= runs; run++) {
                long[][] took = measure(db, keys, count, run);
                if (run > 0) {
                    verify.add(percentiles(took[0]));
                    spend.add(percentiles(took[1]));
                    both.add(percentiles(took[2]));
                }
            }
            print("verify (jose4j, RS256)", verify);
            print("spend (H2 insert+commit)", spend);
            print("both, per token", both);
        }
    }

    private static long[][] measure(Connection db, KeyPair keys, int count, int run) throws Exception {
        List<String> tokens = new ArrayList<>();
        long exp = System.currentTimeMillis() / 1000 + 3600;
        for (int i = 0; i < count; i++) {
            tokens.add(mint(keys, exp, "run" + run + "-" + i));
        }
        long[][] took = new long[3][count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            JwtContext context = new JwtConsumerBuilder()
                    .setSkipAllValidators()
                    .setDisableRequireSignature()
                    .setSkipSignatureVerification()
                    .build()
                    .process(tokens.get(i));
            new JwtConsumerBuilder()
                    .setJwsAlgorithmConstraints(new AlgorithmConstraints(
                            AlgorithmConstraints.ConstraintType.PERMIT,
                            AlgorithmIdentifiers.RSA_USING_SHA256,
                            AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256))
                    .setVerificationKey(keys.getPublic())
                    .setExpectedIssuer("https://issuer.bench")
                    .setExpectedAudience("https://keelson.bench")
                    .setRequireExpirationTime()
                    .setRequireJwtId()
                    .setAllowedClockSkewInSeconds(60)
                    .setEvaluationTime(NumericDate.now())
                    .build()
                    .processContext(context);
            String jti = context.getJwtClaims().getJwtId();
            long verified = System.nanoTime();
            try (PreparedStatement insert =
                    db.prepareStatement("INSERT INTO spent_token_id (id, expires_at) VALUES (?, ?)")) {
                insert.setString(1, HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256")
                                .digest(("bench\n" + jti).getBytes(StandardCharsets.UTF_8))));
                insert.setObject(2, OffsetDateTime.now(ZoneOffset.UTC).plusHours(1));
                insert.executeUpdate();
            }
            long spent = System.nanoTime();
            took[0][i] = verified - start;
            took[1][i] = spent - verified;
            took[2][i] = spent - start;
        }
        return took;
    }

    private static String mint(KeyPair keys, long exp, String jti) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString(
                "{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = ("{\"iss\":\"https://issuer.bench\",\"aud\":\"https://keelson.bench\",\"exp\":%d,"
                        + "\"jti\":\"%s\",\"project_id\":\"1\",\"project_path\":\"bench/app\"}")
                .formatted(exp, jti);
        String signed = header + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(keys.getPrivate());
        rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + b64.encodeToString(rsa.sign());
    }

    private static int version(Path script) {
        String name = script.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    private static double[] percentiles(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new double[] {sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6};
    }

    private static void print(String what, List<double[]> runs) {
        System.out.printf(Locale.ROOT, "%-26s p50 %.3f ms  p99 %.3f ms%n", what, median(runs, 0), median(runs, 1));
    }

    private static double median(List<double[]> runs, int which) {
        double[] values = runs.stream().mapToDouble(r -> r[which]).sorted().toArray();
        return values[(values.length - 1) / 2];
    }
}
