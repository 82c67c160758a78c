package io.keelson.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/** The Docker engine a watch target observes: a unix socket, or {@code tcp://} with TLS. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DockerSpec(String host, TlsSpec tls) {

    public static final String LOCAL = "unix:///var/run/docker.sock";

    /**
     * Client certificates for a remote engine, in Docker's own layout: a folder holding
     * {@code ca.pem}, {@code cert.pem} and {@code key.pem} (what DOCKER_CERT_PATH names).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TlsSpec(String certPath) {}

    @JsonIgnore
    public String effectiveHost() {
        return host == null ? LOCAL : host;
    }
}
