package io.keelson.deploy;

/**
 * An operator's decision to deploy although the target's windows or a freeze hold deployments now:
 * why, and who. Recorded in the deployment and its notification; it never passes a signature check
 * or a minimum age.
 */
public record PolicyOverride(String reason, String by) {}
