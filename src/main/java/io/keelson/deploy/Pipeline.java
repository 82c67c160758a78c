package io.keelson.deploy;

/** The CI pipeline that asked for a deployment, as the pipeline reported it. */
public record Pipeline(String project, String id, String commit, String ref, String url) {}
