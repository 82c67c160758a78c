package io.keelson.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Optional;

/**
 * One deploy target as written in a catalog file or sent to the API: the contract's §2 structure,
 * bound field for field so that an unknown key is an error rather than silently ignored.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetSpec(
        String name,
        String strategy,
        String description,
        SshSpec ssh,
        ComposeSpec compose,
        RegistrySpec registry,
        DockerSpec docker,
        WatchSpec watch,
        RegistryAuthSpec registryAuth,
        RolloutSpec rollout,
        @JsonProperty("notify") List<NotifySpec> notifications,
        @JsonProperty("paused") Boolean startsPaused,
        List<String> allowedImages,
        List<ContainerSpec> containers,
        EnvironmentsSpec environments,
        HandoverSpec handover,
        List<TrustedPipelineSpec> trustedPipelines,
        PolicySpec policy) {

    /** A target without notifications of its own. */
    public TargetSpec(
            String name,
            String strategy,
            String description,
            SshSpec ssh,
            ComposeSpec compose,
            RegistrySpec registry,
            DockerSpec docker,
            WatchSpec watch,
            RegistryAuthSpec registryAuth,
            RolloutSpec rollout) {
        this(
                name,
                strategy,
                description,
                ssh,
                compose,
                registry,
                docker,
                watch,
                registryAuth,
                rollout,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    /** The same target with other containers. */
    public TargetSpec withContainers(List<ContainerSpec> others) {
        return new TargetSpec(
                name,
                strategy,
                description,
                ssh,
                compose,
                registry,
                docker,
                watch,
                registryAuth,
                rollout,
                notifications,
                startsPaused,
                allowedImages,
                others,
                environments,
                handover,
                trustedPipelines,
                policy);
    }

    /**
     * The target an environment of this template is: named {@code name}, deploying the compose
     * project {@code compose}, and not itself a template.
     */
    public TargetSpec asEnvironment(String environmentName, String description, ComposeSpec project) {
        return new TargetSpec(
                environmentName,
                strategy,
                description,
                ssh,
                project,
                registry,
                docker,
                watch,
                registryAuth,
                rollout,
                notifications,
                null,
                allowedImages,
                containers,
                null,
                null,
                trustedPipelines,
                policy);
    }

    /** The container a unit name stands for in an ssh-docker target. */
    public Optional<ContainerSpec> container(String unit) {
        return containers == null
                ? Optional.empty()
                : containers.stream().filter(c -> unit.equals(c.name())).findFirst();
    }

    /**
     * Whether a deployment may run {@code repository} as a unit whose configured image lives in
     * {@code configuredRepository}: its own repository always, others only when {@code allowedImages}
     * names them, so a deploy token cannot put an image of its choice in place of a service.
     */
    public boolean allowsImage(String repository, String configuredRepository) {
        return repository.equals(configuredRepository) || matchesAllowedImages(repository);
    }

    /** Whether one of the {@code allowedImages} globs ({@code *} any characters) matches the repository. */
    public boolean matchesAllowedImages(String repository) {
        return allowedImages != null && allowedImages.stream().anyMatch(glob -> Glob.matches(glob, repository));
    }

    public static final String SSH_COMPOSE = "ssh-compose";
    public static final String WATCH = "watch";
    public static final String SSH_DOCKER = "ssh-docker";

    /** The rollout settings with every default filled in. */
    @JsonIgnore
    public RolloutSpec effectiveRollout() {
        return RolloutSpec.withDefaults(rollout);
    }

    /** The watch settings with Watchtower's defaults filled in. */
    @JsonIgnore
    public WatchSpec effectiveWatch() {
        return WatchSpec.withDefaults(watch);
    }

    @JsonIgnore
    public boolean isSshCompose() {
        return SSH_COMPOSE.equals(strategy);
    }
}
