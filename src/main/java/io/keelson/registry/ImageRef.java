package io.keelson.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image reference checked against the distribution reference grammar
 * ({@code [domain/]path[:tag][@digest]}). Every image that reaches a command line passes through
 * here first, so nothing outside this grammar (spaces, quotes, {@code ;}) can ever get that far.
 */
public record ImageRef(String domain, String path, String tag, String digest) {

    private static final String ALNUM = "[a-z0-9]+";
    private static final String SEPARATOR = "(?:[_.]|__|-+)";
    private static final String COMPONENT = ALNUM + "(?:" + SEPARATOR + ALNUM + ")*";
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String DOMAIN = DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*(?::[0-9]{1,5})?";
    private static final Pattern REFERENCE = Pattern.compile("(?:(" + DOMAIN + ")/)?(" + COMPONENT + "(?:/" + COMPONENT
            + ")*)" + "(?::([\\w][\\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?");
    public static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");

    /** Parses a reference, or says why it is not one. A stored order keeps references in this text form. */
    @JsonCreator
    public static ImageRef parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 512) {
            throw new IllegalArgumentException("an image reference must be 1 to 512 characters");
        }
        Matcher m = REFERENCE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text
                    + "' is not an image reference ([registry/]repository[:tag][@sha256:digest], lower case)");
        }
        String domain = m.group(1);
        String path = m.group(2);
        // "library/busybox": the first component is a domain only if it looks like one.
        if (domain != null && !domain.contains(".") && !domain.contains(":") && !domain.equals("localhost")) {
            path = domain + "/" + path;
            domain = null;
            if (!REFERENCE.matcher(path).matches()) {
                throw new IllegalArgumentException("'" + text + "' is not an image reference");
            }
        }
        if ((domain == null ? 0 : domain.length() + 1) + path.length() > 255) {
            throw new IllegalArgumentException("'" + text + "': repository name longer than 255 characters");
        }
        return new ImageRef(domain, path, m.group(3), m.group(4));
    }

    public static Optional<ImageRef> tryParse(String text) {
        try {
            return Optional.of(parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public static boolean isDigest(String text) {
        return text != null && DIGEST.matcher(text).matches();
    }

    /** The repository as written, without tag or digest: {@code registry.example.com/team/bot}. */
    public String repository() {
        return domain == null ? path : domain + "/" + path;
    }

    /** The same repository pinned to one digest; the tag is dropped because the digest decides. */
    public ImageRef pinned(String newDigest) {
        if (!isDigest(newDigest)) {
            throw new IllegalArgumentException("not a sha256 digest: " + newDigest);
        }
        return new ImageRef(domain, path, null, newDigest);
    }

    /** The tag a pull without digest resolves: the given one, else {@code latest}. */
    public String effectiveTag() {
        return tag == null ? "latest" : tag;
    }

    @Override
    @JsonValue
    public String toString() {
        return repository() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
