package io.keelson.registry;

import java.util.Optional;

/**
 * Reads an image's {@code RepoDigests} ({@code repository@sha256:…}, one per repository the image
 * was pulled from or pushed to). Docker writes Docker Hub repositories in their short form
 * ({@code busybox}), so repositories are compared in that form.
 */
public final class RepoDigests {

    private RepoDigests() {}

    /** The digest under which {@code ref}'s repository knows the image, if it has one. */
    public static Optional<String> digestFor(Iterable<String> repoDigests, ImageRef ref) {
        String wanted = familiar(ref.repository());
        for (String entry : repoDigests) {
            int at = entry.indexOf('@');
            if (at > 0
                    && familiar(entry.substring(0, at)).equals(wanted)
                    && ImageRef.isDigest(entry.substring(at + 1))) {
                return Optional.of(entry.substring(at + 1));
            }
        }
        return Optional.empty();
    }

    /** Whether two references name the same repository and tag ({@code busybox} is {@code docker.io/library/busybox:latest}). */
    public static boolean sameTag(ImageRef a, ImageRef b) {
        return familiar(a.repository()).equals(familiar(b.repository()))
                && a.effectiveTag().equals(b.effectiveTag());
    }

    private static String familiar(String repository) {
        String r = repository.startsWith("docker.io/") ? repository.substring("docker.io/".length()) : repository;
        return r.startsWith("library/") ? r.substring("library/".length()) : r;
    }
}
