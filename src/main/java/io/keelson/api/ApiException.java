package io.keelson.api;

/** An error the API answers as-is, with its HTTP status and code. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final int retryAfterSeconds;

    public ApiException(int status, String code, String message) {
        this(status, code, message, 0);
    }

    private ApiException(int status, String code, String message, int retryAfterSeconds) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A bound reached: 429, with when to try again ({@code Retry-After}). */
    public static ApiException tooMany(String message, int retryAfterSeconds) {
        return new ApiException(429, "too_many_requests", message, retryAfterSeconds);
    }

    /** Seconds for {@code Retry-After}, or 0 for none. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "invalid_request", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message);
    }
}
