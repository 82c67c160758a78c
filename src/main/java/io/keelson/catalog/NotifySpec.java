package io.keelson.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Where to tell about a deployment's end. The URL is named by an environment variable or a file
 * when it holds a secret (a Slack incoming-webhook URL does); a plain {@code url} is for the rest.
 *
 * @param on which endings to send: {@code failed}, {@code rolled_back}, {@code interrupted},
 *     {@code succeeded}; default the first three
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NotifySpec(String url, String urlEnv, String urlFile, Format format, List<String> on) {

    /** The body's shape: Keelson's own JSON, or a Slack-compatible incoming-webhook message. */
    public enum Format {
        @JsonProperty("json")
        JSON,
        @JsonProperty("slack")
        SLACK
    }

    public static final List<String> ENDINGS = List.of("failed", "rolled_back", "interrupted", "succeeded");
    /** The address when it is named by {@code urlEnv} or {@code urlFile}. */
    @JsonIgnore
    public SecretRef address() {
        return SecretRef.of("notify.url", urlEnv, urlFile);
    }

    public static final List<String> DEFAULT_ON = List.of("failed", "rolled_back", "interrupted");
}
