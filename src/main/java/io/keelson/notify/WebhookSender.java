package io.keelson.notify;

import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.Retry;

/** POSTs one notification, retrying with exponential backoff while the receiver answers 5xx, 429 or not at all. */
@ApplicationScoped
public class WebhookSender {

    /** A failure worth another try. */
    public static class Retryable extends RuntimeException {
        public Retryable(String message) {
            super(message);
        }
    }

    /** A receiver that refused the message (4xx): trying again would not help. */
    public static class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Retry(
            maxRetries = 4,
            delay = 500,
            delayUnit = ChronoUnit.MILLIS,
            jitter = 100,
            retryOn = Retryable.class,
            abortOn = Refused.class,
            maxDuration = 60,
            durationUnit = ChronoUnit.SECONDS)
    @ExponentialBackoff(factor = 2, maxDelay = 8, maxDelayUnit = ChronoUnit.SECONDS)
    public void send(URI url, String contentType, String body) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .header("User-Agent", "Keelson")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        int status;
        try {
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new Retryable(url.getHost() + " cannot be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("interrupted");
        }
        if (status >= 500 || status == 429) {
            throw new Retryable(url.getHost() + " answered " + status);
        }
        if (status >= 300) {
            throw new Refused(url.getHost() + " refused the notification with " + status);
        }
    }
}
