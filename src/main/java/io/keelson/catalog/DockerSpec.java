package io.keelson.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The Docker engine a watch target observes: a unix socket or {@code tcp://} with TLS files. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DockerSpec(String host, TlsSpec tls) {

    /** Client certificate material for a remote engine. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TlsSpec(String caFile, String certFile, String keyFile) {
    }
}
