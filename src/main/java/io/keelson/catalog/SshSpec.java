package io.keelson.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** How to reach the hosts of an ssh-compose target; secrets are named by file, never inline. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SshSpec(List<String> hosts, Integer port, String user, String privateKeyFile, String knownHostsFile) {

    @JsonIgnore
    public int effectivePort() {
        return port == null ? 22 : port;
    }
}
