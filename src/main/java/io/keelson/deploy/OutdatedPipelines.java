package io.keelson.deploy;

import io.quarkus.panache.common.Sort;
import java.util.Optional;

/**
 * The outdated-deploy guard: a pipeline whose id is lower than that of the newest API deployment of
 * the same project that succeeded on the target would put an older release back (a slow or re-run
 * old pipeline finishing last), so it is refused before anything is recorded. It reads the database,
 * so every replica answers alike. Ids that are not integers are not compared; rollbacks never pass here.
 */
final class OutdatedPipelines {

    private OutdatedPipelines() {}

    /** Whether the guard has anything to compare: an API request naming its project and an integer pipeline id. */
    static boolean applies(Provenance provenance) {
        Pipeline pipeline = provenance.pipeline();
        return provenance.trigger() == Trigger.API
                && !provenance.allowOutdated()
                && pipeline != null
                && pipeline.project() != null
                && number(pipeline.id()).isPresent();
    }

    /** Throws {@link DeploymentRefused.Kind#OUTDATED} for an outdated request that is not allowed to be. */
    static void refuseOlder(String target, Provenance provenance) {
        if (!applies(provenance)) {
            return;
        }
        Pipeline pipeline = provenance.pipeline();
        if (provenance.idempotencyKey() != null
                && Deployment.byIdempotencyKey(target, provenance.idempotencyKey())
                        .isPresent()) {
            return; // a retry answers the deployment it started, whatever happened since
        }
        Optional<Deployment> newest = Deployment.find(
                        "target = ?1 and pipelineProject = ?2 and status = ?3 and trigger = ?4",
                        Sort.descending("createdAt"),
                        target,
                        pipeline.project(),
                        Status.SUCCEEDED,
                        Trigger.API)
                .firstResultOptional();
        Optional<Long> newestId = newest.flatMap(d -> number(d.pipelineId));
        long requested = number(pipeline.id()).orElseThrow();
        if (newestId.isPresent() && requested < newestId.get()) {
            throw new DeploymentRefused(
                    DeploymentRefused.Kind.OUTDATED,
                    "pipeline " + requested + " of " + pipeline.project() + " is older than pipeline " + newestId.get()
                            + ", whose deployment " + newest.get().id + " succeeded on target '" + target
                            + "'; nothing was queued. An operator may send \"allowOutdated\": true to deploy it anyway,"
                            + " or roll back");
        }
    }

    private static Optional<Long> number(String id) {
        if (id == null || !id.matches("[0-9]{1,18}")) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(id));
    }
}
