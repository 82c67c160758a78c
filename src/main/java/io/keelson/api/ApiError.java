package io.keelson.api;

/** The body of every error answer: a stable code and a message that says what to do. */
public record ApiError(String error, String message) {}
