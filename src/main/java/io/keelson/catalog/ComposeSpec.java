package io.keelson.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The docker-compose project an ssh-compose target deploys on each host. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComposeSpec(
        String projectDir, String projectName, List<String> files, List<String> services, String command) {

    public static final String DOCKER_COMPOSE = "docker-compose";
    public static final String DOCKER_SPACE_COMPOSE = "docker compose";

    @JsonIgnore
    public List<String> effectiveFiles() {
        return files == null || files.isEmpty() ? List.of("docker-compose.yml") : files;
    }

    @JsonIgnore
    public String effectiveCommand() {
        return command == null ? DOCKER_COMPOSE : command;
    }
}
