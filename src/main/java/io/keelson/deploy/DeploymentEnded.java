package io.keelson.deploy;

/** Fired (asynchronously) when a deployment reaches a final status; nothing that observes it can delay the deployment. */
public record DeploymentEnded(DeploymentView deployment) {}
