package io.keelson.strategy;

/** What happened to one unit in a deployment. */
public enum ChangeStatus { SUCCEEDED, UNCHANGED, FAILED, ROLLED_BACK }
