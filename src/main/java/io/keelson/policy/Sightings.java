package io.keelson.policy;

import io.keelson.registry.ImageRef;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When Keelson first saw each digest, shared by every replica through the database: what a minimum
 * age counts from. The first writer wins; a replica that loses the race reads the winner's time.
 * A first sight never changes, so it is remembered here once read, and a check that sees the same
 * digests again costs no query.
 */
@ApplicationScoped
public class Sightings {

    /** Past this many remembered digests the memory starts over (the database keeps them all). */
    private static final int REMEMBERED = 10_000;

    private final Map<String, Instant> known = new ConcurrentHashMap<>();
    private final Clock clock;

    public Sightings(Clock clock) {
        this.clock = clock;
    }

    /** Notes that {@code digest} was seen now, and answers when it was seen first. */
    public Instant firstSeen(String digest) {
        if (!ImageRef.isDigest(digest)) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
        Instant remembered = known.get(digest);
        if (remembered != null) {
            return remembered;
        }
        Instant first = read(digest);
        if (first == null) {
            try {
                Instant now = clock.instant();
                QuarkusTransaction.requiringNew().run(() -> {
                    DigestSighting sighting = new DigestSighting();
                    sighting.digest = digest;
                    sighting.firstSeen = now;
                    sighting.persist();
                });
                first = now;
            } catch (RuntimeException raced) {
                // Another replica (or request) wrote it first: its time is the first sight.
                first = read(digest);
                if (first == null) {
                    throw raced;
                }
            }
        }
        if (known.size() >= REMEMBERED) {
            known.clear();
        }
        known.put(digest, first);
        return first;
    }

    private static Instant read(String digest) {
        return QuarkusTransaction.requiringNew()
                .call(() -> DigestSighting.<DigestSighting>findByIdOptional(digest)
                        .map(s -> s.firstSeen)
                        .orElse(null));
    }
}
