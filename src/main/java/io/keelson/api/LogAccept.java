package io.keelson.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A log is followed live only when the caller asks for {@code text/event-stream} by name: curl's
 * {@code Accept: *}{@code /*}, a browser's list or no header at all get the text, which ends, instead
 * of a stream that holds the caller until the deployment does.
 */
public class LogAccept {

    private static final Pattern LOG_PATH = Pattern.compile("/api/v1/deployments/[^/]+/log/?");

    @ServerRequestFilter(preMatching = true)
    public void textUnlessStreamAsked(ContainerRequestContext request) {
        if (!LOG_PATH.matcher(request.getUriInfo().getPath()).matches()) {
            return;
        }
        String accept = request.getHeaderString(HttpHeaders.ACCEPT);
        if (accept == null || !accept.toLowerCase().contains(MediaType.SERVER_SENT_EVENTS)) {
            request.getHeaders().putSingle(HttpHeaders.ACCEPT, MediaType.TEXT_PLAIN);
        }
    }
}
