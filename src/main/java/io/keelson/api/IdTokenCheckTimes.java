package io.keelson.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;

/**
 * How long each step of an ID-token check takes, as {@code keelson_id_token_check_seconds{step}} with
 * its p50 and p99 over the last minutes. Every request with an ID token writes to the database (its
 * {@code jti} is spent before the answer), so when pipelines' calls get slow this tells the
 * database's share ({@code spend}) from the signature's ({@code verify}) and the target's rules'
 * ({@code rules}); {@code bench/auth.sh} prints these figures beside its own.
 */
@ApplicationScoped
public class IdTokenCheckTimes {

    private final Timer verify;
    private final Timer rules;
    private final Timer spend;

    public IdTokenCheckTimes(MeterRegistry meters) {
        this.verify = timer(meters, "verify");
        this.rules = timer(meters, "rules");
        this.spend = timer(meters, "spend");
    }

    /** Records the signature and claims check that began at {@code startNanos} ({@link System#nanoTime()}). */
    void verified(long startNanos) {
        verify.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    void ruled(long startNanos) {
        rules.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    void spent(long startNanos) {
        spend.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    private static Timer timer(MeterRegistry meters, String step) {
        return Timer.builder("keelson.id_token.check")
                .tag("step", step)
                .publishPercentiles(0.5, 0.99)
                .register(meters);
    }
}
