package io.keelson.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * A target's deploy policy: when it may change ({@code windows}, {@code freezes}) and which images
 * it may run ({@code signatures}, {@code minAge}), for API deployments and the watcher alike.
 *
 * @param signatures cosign key-pair signatures each digest must carry ({@code required}), or must
 *     carry validly if it carries any ({@code ifSigned})
 * @param minAge how long ago Keelson must first have seen a digest for it to deploy
 *
 * @param windows the times deployments may run ({@link DeployWindow}); none: any time
 * @param freezes periods no deployment runs in, whatever the windows say
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicySpec(SignaturesSpec signatures, Duration minAge, List<String> windows, List<FreezeSpec> freezes) {

    /** Cosign key-pair signatures an image must (or, if it has any, must validly) carry. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SignaturesSpec(String mode, List<String> publicKeyFiles) {
        /** Whether a digest without any signature may still run. */
        @JsonIgnore
        public boolean allowsUnsigned() {
            return "ifSigned".equals(mode);
        }
    }

    /**
     * No deployment from {@code from} (included) to {@code to} (excluded), RFC 3339 times.
     *
     * @param reason what the API's refusal and the watcher's log say
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FreezeSpec(String from, String to, String reason) {
        public Instant start() {
            return OffsetDateTime.parse(from).toInstant();
        }

        public Instant end() {
            return OffsetDateTime.parse(to).toInstant();
        }
    }

    public static final int MAX_REASON = 200;
    /** Longer is a freeze, not an age: say it with {@code freezes}. */
    public static final Duration MAX_MIN_AGE = Duration.ofDays(30);

    private static final List<String> MODES = List.of("required", "ifSigned", "off");

    /** Whether deployments must show signatures to run: mode {@code required} or {@code ifSigned}. */
    @JsonIgnore
    public boolean checksSignatures() {
        return signatures != null && signatures.mode() != null && !"off".equals(signatures.mode());
    }

    /** The windows, read; call on a validated spec. */
    @JsonIgnore
    public List<DeployWindow> deployWindows() {
        return windows == null
                ? List.of()
                : windows.stream().map(DeployWindow::parse).toList();
    }

    @JsonIgnore
    public List<FreezeSpec> freezeList() {
        return freezes == null ? List.of() : freezes;
    }

    /** The policy's problems, by field ({@code policy.…}). */
    static void check(PolicySpec policy, CatalogChecks checks) {
        if (policy == null) {
            return;
        }
        checkSignatures(policy.signatures(), checks);
        if (policy.minAge() != null
                && (policy.minAge().isNegative()
                        || policy.minAge().isZero()
                        || policy.minAge().compareTo(MAX_MIN_AGE) > 0)) {
            checks.problem("policy.minAge", "must be a duration from 1s to " + MAX_MIN_AGE.toDays() + "d, as in 2h");
        }
        if (policy.windows() != null && checks.bounded("policy.windows", policy.windows())) {
            for (int i = 0; i < policy.windows().size(); i++) {
                try {
                    DeployWindow.parse(policy.windows().get(i));
                } catch (IllegalArgumentException e) {
                    checks.problem("policy.windows[" + i + "]", e.getMessage());
                }
            }
        }
        if (policy.freezes() != null && checks.bounded("policy.freezes", policy.freezes())) {
            for (int i = 0; i < policy.freezes().size(); i++) {
                checkFreeze("policy.freezes[" + i + "]", policy.freezes().get(i), checks);
            }
        }
    }

    private static void checkSignatures(SignaturesSpec signatures, CatalogChecks checks) {
        if (signatures == null) {
            return;
        }
        if (!MODES.contains(String.valueOf(signatures.mode()))) {
            checks.problem("policy.signatures.mode", "must be one of " + MODES);
            return;
        }
        List<String> files = signatures.publicKeyFiles();
        if (!signatures.mode().equals("off") && (files == null || files.isEmpty())) {
            checks.problem(
                    "policy.signatures.publicKeyFiles",
                    "must name at least one public key for mode " + signatures.mode());
            return;
        }
        if (files != null && checks.bounded("policy.signatures.publicKeyFiles", files)) {
            for (int i = 0; i < files.size(); i++) {
                try {
                    PublicKeyFiles.read(files.get(i));
                } catch (IllegalArgumentException e) {
                    checks.problem("policy.signatures.publicKeyFiles[" + i + "]", e.getMessage());
                }
            }
        }
    }

    private static void checkFreeze(String at, FreezeSpec freeze, CatalogChecks checks) {
        if (freeze == null) {
            checks.problem(at, "must be a freeze with from, to and reason");
            return;
        }
        boolean times = time(at + ".from", freeze.from(), checks) & time(at + ".to", freeze.to(), checks);
        if (times && !freeze.start().isBefore(freeze.end())) {
            checks.problem(at + ".to", "must be after from");
        }
        if (freeze.reason() == null || freeze.reason().isBlank()) {
            checks.problem(at + ".reason", "must say why (it is what a refused deployment is told)");
        } else if (freeze.reason().length() > MAX_REASON || CatalogChecks.hasControl(freeze.reason())) {
            checks.problem(at + ".reason", "must be at most " + MAX_REASON + " characters, without control characters");
        }
    }

    private static boolean time(String at, String value, CatalogChecks checks) {
        if (value == null) {
            checks.problem(at, "must be an RFC 3339 time, as in 2026-12-20T00:00:00Z");
            return false;
        }
        try {
            OffsetDateTime.parse(value);
            return true;
        } catch (DateTimeParseException e) {
            checks.problem(at, "'" + value + "' is not an RFC 3339 time, as in 2026-12-20T00:00:00Z");
            return false;
        }
    }
}
