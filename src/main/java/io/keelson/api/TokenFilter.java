package io.keelson.api;

import io.keelson.identity.IdToken;
import io.keelson.identity.IdTokenRejected;
import io.keelson.identity.IdTokens;
import io.keelson.identity.SpentTokenIds;
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
 * refused to everyone: forgetting the annotation closes an endpoint instead of opening it. A bearer
 * shaped as a JWT, when CI issuers are configured, is a pipeline's ID token ({@link PipelineCallers}).
 */
public class TokenFilter {

    private final Tokens tokens;
    private final CurrentCaller current;
    private final IdTokens idTokens;
    private final PipelineCallers pipelines;
    private final SpentTokenIds spent;
    private final IdTokenCheckTimes times;

    public TokenFilter(
            Tokens tokens,
            CurrentCaller current,
            IdTokens idTokens,
            PipelineCallers pipelines,
            SpentTokenIds spent,
            IdTokenCheckTimes times) {
        this.tokens = tokens;
        this.current = current;
        this.idTokens = idTokens;
        this.pipelines = pipelines;
        this.spent = spent;
        this.times = times;
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
        String bearer = header.substring(7).trim();
        String target = request.getUriInfo().getPathParameters().getFirst("name");
        if (idTokens.configured() && IdTokens.looksLikeJwt(bearer)) {
            return pipeline(bearer, requires.value(), target);
        }
        Optional<Caller> caller = tokens.resolve(bearer);
        if (caller.isEmpty()) {
            return deny(401, "unauthorized", "the bearer token is not valid");
        }
        Optional<Response> refused = refusal(caller.get(), requires.value(), target);
        if (refused.isEmpty()) {
            current.set(caller.get());
        }
        return refused;
    }

    /**
     * A CI ID token: verified, then given what the target's {@code trustedPipelines} allow, then its
     * {@code jti} spent; a token refused at any step is not spent, so a pipeline can fix its rule and retry.
     */
    private Optional<Response> pipeline(String jwt, Role needed, String target) {
        IdToken token;
        long start = System.nanoTime();
        try {
            token = idTokens.verify(jwt);
        } catch (IdTokenRejected e) {
            return deny(401, "unauthorized", "the ID token does not verify: " + e.getMessage());
        } finally {
            times.verified(start);
        }
        start = System.nanoTime();
        Optional<Caller> caller;
        try {
            caller = pipelines.on(token, target);
        } finally {
            times.ruled(start);
        }
        if (caller.isEmpty()) {
            return deny(
                    403,
                    "forbidden",
                    (target == null ? "no target's" : "target '" + target + "' has no")
                            + " trustedPipelines rule matching this ID token of " + token.requestedBy()
                            + "; rules compare the token's claims (project_id, ref_protected, …) with their own");
        }
        Optional<Response> refused = refusal(caller.get(), needed, target);
        if (refused.isPresent()) {
            return refused;
        }
        start = System.nanoTime();
        boolean fresh;
        try {
            fresh = spent.spend(token.issuerName(), token.jti(), token.expiresAt());
        } finally {
            times.spent(start); // a database that fails or times out is timed too: that is when it matters
        }
        if (!fresh) {
            return deny(
                    401,
                    "unauthorized",
                    "this ID token was used already (its jti is spent): a pipeline job sends each token once");
        }
        current.set(caller.get());
        return Optional.empty();
    }

    private static Optional<Response> refusal(Caller caller, Role needed, String target) {
        if (!caller.role().includes(needed)) {
            return deny(
                    403,
                    "forbidden",
                    "token '" + caller.name() + "' has role "
                            + caller.role().name().toLowerCase() + "; this call needs "
                            + needed.name().toLowerCase());
        }
        if (target != null && !caller.mayAct(target)) {
            return deny(403, "forbidden", "token '" + caller.name() + "' may not act on target '" + target + "'");
        }
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
