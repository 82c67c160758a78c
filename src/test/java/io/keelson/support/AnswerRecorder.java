package io.keelson.support;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps every API answer the suite receives (status, headers, body) in target/api-answers.log, for
 * the secret scan that runs after the suite. A Quarkus test callback, so it runs in the class loader
 * the tests' rest-assured lives in.
 */
public class AnswerRecorder implements QuarkusTestBeforeEachCallback {

    static final Path FILE = Path.of("target/api-answers.log");
    private static volatile boolean installed;

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        if (installed) {
            return;
        }
        synchronized (AnswerRecorder.class) {
            if (!installed) {
                RestAssured.filters(recording());
                installed = true;
            }
        }
    }

    private static Filter recording() {
        return (request, response, ctx) -> {
            var answer = ctx.next(request, response);
            String entry = request.getMethod() + " " + request.getURI() + " -> " + answer.getStatusCode() + "\n"
                    + answer.getHeaders() + "\n" + answer.asString() + "\n\n";
            synchronized (AnswerRecorder.class) {
                try {
                    Files.createDirectories(FILE.getParent());
                    Files.writeString(
                            FILE, entry, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return answer;
        };
    }
}
