package io.keelson.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One {@code trustedPipelines} rule: the pipelines whose ID token, signed by {@code issuer}, may act on
 * the target with {@code role}. Every claim listed must equal the token's (as strings; {@code *} in a
 * value matches any characters, {@code /} included). A target without rules trusts no ID token.
 *
 * @param issuer the issuer's name under {@code keelson.auth.oidc}
 * @param claims claim name → the value it must have
 * @param role {@code deploy} or {@code operate}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrustedPipelineSpec(String issuer, Map<String, String> claims, String role) {

    /** The roles a rule may give: a pipeline never administers Keelson. */
    public static final List<String> ROLES = List.of("deploy", "operate");

    public static final int MAX_CLAIMS = 20;
    private static final Pattern ISSUER = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}");
    private static final Pattern CLAIM = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9_.:-]{0,99}");

    /** Whether every claim of the rule has its value among the token's {@code claims} (strings). */
    public boolean matches(String issuerName, Map<String, String> tokenClaims) {
        if (!issuer.equals(issuerName)) {
            return false;
        }
        for (Map.Entry<String, String> wanted : claims.entrySet()) {
            String actual = tokenClaims.get(wanted.getKey());
            if (actual == null
                    || !valuePattern(wanted.getValue()).matcher(actual).matches()) {
                return false;
            }
        }
        return true;
    }

    /** {@code *} is any run of characters; everything else is itself (unlike {@link Glob}, {@code ?} too). */
    static Pattern valuePattern(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** The rules' problems, by field ({@code trustedPipelines[i].…}). */
    static void check(List<TrustedPipelineSpec> rules, CatalogChecks checks) {
        if (rules == null || !checks.bounded("trustedPipelines", rules)) {
            return;
        }
        for (int i = 0; i < rules.size(); i++) {
            String at = "trustedPipelines[" + i + "]";
            TrustedPipelineSpec rule = rules.get(i);
            if (rule == null) {
                checks.problem(at, "must be a rule with issuer, claims and role");
                continue;
            }
            if (rule.issuer() == null || !ISSUER.matcher(rule.issuer()).matches()) {
                checks.problem(at + ".issuer", "must name an issuer configured under keelson.auth.oidc");
            }
            if (rule.role() == null || !ROLES.contains(rule.role())) {
                checks.problem(at + ".role", "must be deploy or operate");
            }
            if (rule.claims() == null || rule.claims().isEmpty()) {
                checks.problem(
                        at + ".claims",
                        "must list at least one claim (pin an immutable id such as project_id or repository_id)");
            } else if (rule.claims().size() > MAX_CLAIMS) {
                checks.problem(at + ".claims", "must list at most " + MAX_CLAIMS + " claims");
            } else {
                rule.claims().forEach((name, value) -> {
                    if (!CLAIM.matcher(name).matches()) {
                        checks.problem(at + ".claims", "'" + name + "' is not a claim name");
                    } else if (value == null
                            || value.isEmpty()
                            || value.length() > 255
                            || CatalogChecks.hasControl(value)) {
                        checks.problem(at + ".claims." + name, "must be a value of 1 to 255 printable characters");
                    } else if (value.chars().allMatch(c -> c == '*')) {
                        checks.problem(
                                at + ".claims." + name, "must not match everything: name the value it must have");
                    }
                });
            }
        }
    }
}
