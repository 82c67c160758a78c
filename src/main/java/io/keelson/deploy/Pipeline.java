package io.keelson.deploy;

/**
 * The CI pipeline that asked for a deployment: as the request body reported it, or, for a pipeline
 * that authenticated with its CI's ID token, as the token's signed claims say.
 *
 * @param job the CI job's id; only an ID token gives it
 */
public record Pipeline(String project, String id, String commit, String ref, String url, String job) {

    public Pipeline(String project, String id, String commit, String ref, String url) {
        this(project, id, commit, ref, url, null);
    }
}
