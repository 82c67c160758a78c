package io.keelson.strategy.compose;

import io.keelson.catalog.RolloutSpec;
import io.keelson.registry.ImageRef;
import io.keelson.strategy.HealthGate;
import io.keelson.strategy.ssh.RemoteCommand;
import io.keelson.strategy.ssh.SshHost;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * What a compose service's containers run on one host, read with plain {@code docker} commands
 * (found by compose's labels): a {@code docker ps} costs a fraction of a {@code docker-compose ps}.
 */
record ServiceContainers(
        SshHost ssh,
        ComposeCommands commands,
        BiFunction<RemoteCommand, String, SshHost.Result> require,
        Consumer<String> log) {

    /** What a service's container ran: the reference it was created from and that image's registry digest (null if none). */
    record Running(ImageRef image, String digest) {}

    /** How a recreate ended: the gate's failure, if any, and what the new container runs. */
    record Gated(Optional<String> failure, Optional<Running> now) {}

    /** Waits for each of the service's containers to pass the health gate. */
    Gated awaitGate(String service, RolloutSpec rollout, Clock clock) {
        List<String> ids = ids(service);
        if (ids.isEmpty()) {
            return new Gated(Optional.of("no container exists for " + service + " after up"), Optional.empty());
        }
        AtomicReference<DockerJson.Container> last = new AtomicReference<>();
        for (String id : ids) {
            HealthGate gate = new HealthGate(rollout.healthTimeout(), rollout.stableFor(), clock);
            Optional<String> failure = gate.await(() -> inspect(id)
                    .map(c -> {
                        last.set(c);
                        return c.state();
                    })
                    .orElse(null));
            if (failure.isPresent()) {
                return new Gated(failure, last.get() == null ? Optional.empty() : describe(service, last.get()));
            }
        }
        return new Gated(Optional.empty(), describe(service, last.get()));
    }

    /** Pulls the image on the host and answers its registry digest. */
    String pull(ImageRef image) {
        Optional<String> reported = DockerJson.digestInPullOutput(
                require.apply(commands.pull(image), "docker pull " + image).stdout());
        if (reported.isPresent()) {
            return reported.get();
        }
        String json = require.apply(commands.repoDigests(image.toString()), "docker image inspect " + image)
                .stdout();
        return DockerJson.digestFor(json, image)
                .orElseThrow(() ->
                        new IllegalStateException("pulled " + image + " but the engine records no digest for it"));
    }

    /** What the service's container runs now, read from the container itself; empty when there is none. */
    Optional<Running> running(String service) {
        List<String> ids = ids(service);
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        return inspect(ids.get(0)).flatMap(c -> describe(service, c));
    }

    Optional<Running> describe(String service, DockerJson.Container c) {
        Optional<ImageRef> image = ImageRef.tryParse(c.configImage());
        if (image.isEmpty()) {
            log.accept(service + ": its container runs '" + c.configImage()
                    + "', which is not an image reference Keelson can restore");
            return Optional.empty();
        }
        if (image.get().digest() != null) {
            // Created from a pinned reference (Keelson's own pins): the digest is in the name.
            return Optional.of(new Running(image.get(), image.get().digest()));
        }
        SshHost.Result digests = ssh.run(commands.repoDigests(c.imageId()), log);
        String digest = digests.ok()
                ? DockerJson.digestFor(digests.stdout(), image.get()).orElse(null)
                : null;
        return Optional.of(new Running(image.get(), digest));
    }

    List<String> ids(String service) {
        String out = require.apply(commands.containerIds(service), "docker ps for " + service)
                .stdout();
        return out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    Optional<DockerJson.Container> inspect(String id) {
        SshHost.Result result = ssh.run(commands.inspectContainer(id), line -> {});
        return result.ok() ? Optional.of(DockerJson.container(result.stdout())) : Optional.empty();
    }
}
