package io.keelson.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code environments} block that makes an ssh-compose target a template for review
 * environments: one compose project per slug, in its own folder, with its own host ports.
 *
 * @param projectDir the folder of an environment, {@code {slug}} in its last segment
 * @param projectName the compose project of an environment, with {@code {slug}}
 * @param ports service → host port range ({@code "20000-20999"}), one free port each per environment
 * @param url the address an environment answers, with {@code {slug}}, {@code {host}} and {@code {port.<service>}}
 * @param ttl how long an environment lives after its last deployment ended
 * @param max how many environments of this template may exist at once
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnvironmentsSpec(
        String projectDir, String projectName, Map<String, String> ports, String url, Duration ttl, Integer max) {

    /** GitLab's {@code CI_ENVIRONMENT_SLUG}: what a slug must be before it reaches a path or a command. */
    public static final Pattern SLUG = Pattern.compile("[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?");
    /** Between the template's name and the slug in an environment's target name. */
    public static final String SEPARATOR = "--";
    /** The longest template name: with the separator and the longest slug it is still a target name. */
    public static final int MAX_TEMPLATE_NAME = 21;

    public static final Duration DEFAULT_TTL = Duration.ofHours(72);
    public static final Duration MIN_TTL = Duration.ofSeconds(5);
    public static final Duration MAX_TTL = Duration.ofDays(365);
    public static final int DEFAULT_MAX = 20;
    public static final int MAX_MAX = 1000;

    private static final String SLUG_MARK = "{slug}";
    private static final Pattern DIR_PATTERN =
            Pattern.compile("(/[A-Za-z0-9._-]+)*/[A-Za-z0-9._-]*\\{slug}[A-Za-z0-9._-]*");
    private static final Pattern NAME_PATTERN = Pattern.compile("[a-z0-9_-]*\\{slug}[a-z0-9_-]*");
    private static final Pattern RANGE = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?");
    private static final Pattern URL_MARK = Pattern.compile("\\{(slug|host|port\\.[a-zA-Z0-9_.-]+)}");
    private static final Pattern URL = Pattern.compile("(?i)https?://[^\\s<>|\"'{}\\\\]+");
    private static final int LOWEST_PORT = 1024;
    private static final int HIGHEST_PORT = 65535;

    /** A port range of one service, both ends included. */
    public record Range(int first, int last) {
        public int size() {
            return last - first + 1;
        }
    }

    @JsonIgnore
    public Duration effectiveTtl() {
        return ttl == null ? DEFAULT_TTL : ttl;
    }

    @JsonIgnore
    public int effectiveMax() {
        return max == null ? DEFAULT_MAX : max;
    }

    /** Service → its range, in the order the block lists them. */
    @JsonIgnore
    public Map<String, Range> ranges() {
        Map<String, Range> ranges = new LinkedHashMap<>();
        if (ports != null) {
            ports.forEach((service, range) -> parseRange(range).ifPresent(r -> ranges.put(service, r)));
        }
        return ranges;
    }

    /** The folder of the environment {@code slug}; the slug must have been checked against {@link #SLUG}. */
    public String projectDirOf(String slug) {
        return projectDir.replace(SLUG_MARK, requireSlug(slug));
    }

    public String projectNameOf(String slug) {
        return projectName.replace(SLUG_MARK, requireSlug(slug));
    }

    /** The environment's address, or null when the template names none. */
    public String urlOf(String slug, String host, Map<String, Integer> servicePorts) {
        if (url == null) {
            return null;
        }
        Matcher marks = URL_MARK.matcher(url);
        StringBuilder out = new StringBuilder();
        while (marks.find()) {
            String mark = marks.group(1);
            String value = switch (mark) {
                case "slug" -> requireSlug(slug);
                case "host" -> host;
                default -> String.valueOf(servicePorts.get(mark.substring("port.".length())));
            };
            marks.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        marks.appendTail(out);
        return out.toString();
    }

    /** The variable an environment's {@code .env} holds its port for {@code service} in. */
    public static String portVariable(String service) {
        return "KEELSON_PORT_" + service.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    public static boolean isSlug(String slug) {
        return slug != null && SLUG.matcher(slug).matches();
    }

    private static String requireSlug(String slug) {
        if (!isSlug(slug)) {
            throw new IllegalArgumentException("not a slug: " + slug);
        }
        return slug;
    }

    private static Optional<Range> parseRange(String text) {
        Matcher m = text == null ? null : RANGE.matcher(text.strip());
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        int first = Integer.parseInt(m.group(1));
        int last = m.group(2) == null ? first : Integer.parseInt(m.group(2));
        if (first < LOWEST_PORT || last > HIGHEST_PORT || first > last) {
            return Optional.empty();
        }
        return Optional.of(new Range(first, last));
    }

    /** Adds a problem for each thing wrong in the block of the template {@code template}. */
    public void check(TargetSpec template, CatalogChecks checks) {
        if (template.name() != null && template.name().length() > MAX_TEMPLATE_NAME) {
            checks.problem(
                    "name",
                    "a template of environments is named with at most " + MAX_TEMPLATE_NAME
                            + " characters, so that name--slug is a target name");
        }
        if (projectDir == null
                || !DIR_PATTERN.matcher(projectDir).matches()
                || projectDir.indexOf(SLUG_MARK) != projectDir.lastIndexOf(SLUG_MARK)
                || projectDir.contains("/../")
                || projectDir.contains("/./")) {
            checks.problem(
                    "environments.projectDir",
                    "must be an absolute path with {slug} once, in its last segment (such as /srv/review/{slug})");
        }
        if (projectName == null
                || !NAME_PATTERN.matcher(projectName).matches()
                || projectName.indexOf(SLUG_MARK) != projectName.lastIndexOf(SLUG_MARK)
                || projectName.length() - SLUG_MARK.length() + 40 > 63) {
            checks.problem(
                    "environments.projectName",
                    "must be [a-z0-9_-] with {slug} once (such as app-{slug}), at most 23 characters besides it");
        }
        checkPorts(template, checks);
        checkUrl(checks);
        if (ttl != null && (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0)) {
            checks.problem("environments.ttl", "must be between 5s and 365d");
        }
        if (max != null && (max < 1 || max > MAX_MAX)) {
            checks.problem("environments.max", "must be between 1 and " + MAX_MAX);
        }
    }

    private void checkPorts(TargetSpec template, CatalogChecks checks) {
        if (ports == null) {
            return;
        }
        if (ports.size() > CatalogChecks.MAX_LIST) {
            checks.problem("environments.ports", "must list at most " + CatalogChecks.MAX_LIST + " services");
            return;
        }
        ports.forEach((service, range) -> {
            if (!CatalogChecks.isUnitName(service)) {
                checks.problem("environments.ports", "'" + service + "' is not a service name");
            } else if (parseRange(range).isEmpty()) {
                checks.problem(
                        "environments.ports." + service,
                        "must be a port or a range first-last, within " + LOWEST_PORT + "-" + HIGHEST_PORT);
            }
        });
        Map<String, Range> ranges = ranges();
        ranges.forEach((service, r) -> ranges.forEach((other, o) -> {
            if (service.compareTo(other) < 0 && r.first() <= o.last() && o.first() <= r.last()) {
                checks.problem(
                        "environments.ports." + other, "overlaps the range of " + service + "; give each its own");
            }
        }));
    }

    private void checkUrl(CatalogChecks checks) {
        if (url == null) {
            return;
        }
        Matcher marks = URL_MARK.matcher(url);
        while (marks.find()) {
            String mark = marks.group(1);
            if (mark.startsWith("port.") && (ports == null || !ports.containsKey(mark.substring("port.".length())))) {
                checks.problem("environments.url", "{" + mark + "} names a service without a port range in ports");
            }
        }
        String sample = URL_MARK.matcher(url).replaceAll("x1");
        if (url.length() > 500 || !URL.matcher(sample).matches()) {
            checks.problem(
                    "environments.url",
                    "must be an http:// or https:// address; {slug}, {host} and {port.<service>} are filled in");
        }
    }
}
