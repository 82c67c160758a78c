package io.keelson.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One plain container of an ssh-docker target: its name (the unit), the image it is deployed from,
 * and how to create it on a host where it does not exist yet. An existing container keeps its own
 * configuration; {@code create} is never applied to it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContainerSpec(String name, String image, CreateSpec create) {

    /**
     * The settings of a container created for the first time, each validated on its own: there is
     * no free command line, so nothing here reaches a shell.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreateSpec(
            List<String> ports,
            Map<String, String> env,
            List<String> envFiles,
            List<String> volumes,
            String restart,
            List<String> networks,
            Map<String, String> labels) {

        /** The same settings with other environment variables. */
        public CreateSpec withEnv(Map<String, String> other) {
            return new CreateSpec(ports, other, envFiles, volumes, restart, networks, labels);
        }
    }
}
