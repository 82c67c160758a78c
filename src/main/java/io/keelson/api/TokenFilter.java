package io.keelson.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Lets a request through only with a bearer token whose role covers the endpoint's {@link Requires}
 * and whose target globs cover the target named in the path. An endpoint that declares no role is
 * refused to everyone: forgetting the annotation closes an endpoint instead of opening it.
 */
public class TokenFilter {

    private final Tokens tokens;
    private final CurrentCaller current;

    public TokenFilter(Tokens tokens, CurrentCaller current) {
        this.tokens = tokens;
        this.current = current;
    }

    @ServerRequestFilter
    public Optional<Response> authorize(ContainerRequestContext request, ResourceInfo resource) {
        if (resource.getResourceMethod() == null) {
            return Optional.empty(); // no endpoint matched: the 404 or 405 follows
        }
        Requires requires = resource.getResourceMethod().getAnnotation(Requires.class);
        if (requires == null) {
            return deny(403, "forbidden", "this endpoint declares no role, so no token may call it");
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            return deny(401, "unauthorized", "send Authorization: Bearer <token>");
        }
        Optional<Caller> caller = tokens.resolve(header.substring(7).trim());
        if (caller.isEmpty()) {
            return deny(401, "unauthorized", "the bearer token is not valid");
        }
        if (!caller.get().role().includes(requires.value())) {
            return deny(
                    403,
                    "forbidden",
                    "token '" + caller.get().name() + "' has role "
                            + caller.get().role().name().toLowerCase() + "; this call needs "
                            + requires.value().name().toLowerCase());
        }
        String target = request.getUriInfo().getPathParameters().getFirst("name");
        if (target != null && !caller.get().mayAct(target)) {
            return deny(403, "forbidden", "token '" + caller.get().name() + "' may not act on target '" + target + "'");
        }
        current.set(caller.get());
        return Optional.empty();
    }

    private static Optional<Response> deny(int status, String code, String message) {
        Response.ResponseBuilder answer =
                Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ApiError(code, message));
        if (status == 401) {
            answer.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"keelson\"");
        }
        return Optional.of(answer.build());
    }
}
