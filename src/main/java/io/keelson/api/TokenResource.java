package io.keelson.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Locale;

/**
 * Says who the calling token is, so a client (the dashboard) can offer only what the token may do.
 * The API still decides every call; this answer is a courtesy, not a permission.
 */
@Path("/api/v1/token")
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {

    private final CurrentCaller caller;

    public TokenResource(CurrentCaller caller) {
        this.caller = caller;
    }

    /** The token's name and its role (each role includes the ones before it: read, deploy, operate, admin). */
    public record TokenJson(String name, String role) {}

    @GET
    @Requires(Role.READ)
    public TokenJson get() {
        Caller c = caller.get();
        return new TokenJson(c.name(), c.role().name().toLowerCase(Locale.ROOT));
    }
}
