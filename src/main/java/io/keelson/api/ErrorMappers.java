package io.keelson.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.keelson.catalog.CatalogException;
import io.keelson.deploy.DeploymentRefused;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into the contract's error JSON, with the status that fits it. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);
    /** A full queue drains at deployment speed: half a minute is a fair first wait. */
    private static final int RETRY_AFTER_SECONDS = 30;

    @ServerExceptionMapper
    public Response api(ApiException e) {
        if (e.retryAfterSeconds() > 0) {
            return Response.fromResponse(answer(e.status(), e.code(), e.getMessage()))
                    .header("Retry-After", e.retryAfterSeconds())
                    .build();
        }
        return answer(e.status(), e.code(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response catalog(CatalogException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> answer(404, "not_found", e.getMessage());
            case CONFLICT -> answer(409, "conflict", e.getMessage());
            case INVALID -> answer(400, "invalid_target", e.getMessage());
        };
    }

    @ServerExceptionMapper
    public Response refused(DeploymentRefused e) {
        return switch (e.kind()) {
            case NOT_FOUND -> answer(404, "not_found", e.getMessage());
            case CONFLICT -> answer(409, "conflict", e.getMessage());
            case OUTDATED -> answer(409, "outdated", e.getMessage());
            case INVALID -> answer(400, "invalid_request", e.getMessage());
            case UNAVAILABLE ->
                Response.fromResponse(answer(503, "unavailable", e.getMessage()))
                        .header("Retry-After", RETRY_AFTER_SECONDS)
                        .build();
            case FROZEN ->
                Response.fromResponse(answer(423, "frozen", e.getMessage()))
                        .header("Retry-After", e.retryAfterSeconds())
                        .build();
            case TOO_YOUNG ->
                Response.fromResponse(answer(423, "too-young", e.getMessage()))
                        .header("Retry-After", e.retryAfterSeconds())
                        .build();
            case TOO_MANY ->
                Response.fromResponse(answer(429, "too_many_requests", e.getMessage()))
                        .header("Retry-After", RETRY_AFTER_SECONDS)
                        .build();
        };
    }

    /** A body that does not bind, as the 400 it answers: the field named when there is one. */
    static ApiException badJson(JsonProcessingException e) {
        String field = e instanceof JsonMappingException m
                ? m.getPath().stream()
                        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                        .collect(Collectors.joining("."))
                        .replace(".[", "[")
                : "";
        if (e instanceof StreamReadException
                || String.valueOf(e.getOriginalMessage()).contains("end-of-input")) {
            return new ApiException(
                    400, "invalid_json", "the body is not valid JSON: " + firstLine(e.getOriginalMessage()));
        }
        if (e instanceof UnrecognizedPropertyException) {
            return ApiException.badRequest(field + ": unknown field");
        }
        if (e instanceof JsonMappingException && !field.isEmpty()) {
            return ApiException.badRequest(field + ": " + firstLine(e.getOriginalMessage()));
        }
        return new ApiException(
                400, "invalid_json", "the body is not valid JSON: " + firstLine(e.getOriginalMessage()));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 415 -> "unsupported_media_type";
            default -> status >= 500 ? "internal" : "invalid_request";
        };
        return answer(
                status,
                code,
                e.getMessage() == null ? Response.Status.fromStatusCode(status).getReasonPhrase() : e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("unexpected error answering a request", e);
        return answer(500, "internal", "Keelson failed to answer this request; its log has the details");
    }

    private static Response answer(int status, String code, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(new ApiError(code, message))
                .build();
    }

    private static String firstLine(String message) {
        return message == null ? "invalid" : message.lines().findFirst().orElse(message);
    }
}
