package io.keelson.deploy;

import io.keelson.strategy.DeployOrder;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One stored deployment: what was asked, by whom, and how it ended. */
@Entity
@Table(name = "deployment")
public class Deployment extends PanacheEntityBase {

    @Id
    public String id;

    public String target;

    @Enumerated(EnumType.STRING)
    @Column(name = "trigger_kind")
    public Trigger trigger;

    @Enumerated(EnumType.STRING)
    public Status status;

    @Column(name = "requested_by")
    public String requestedBy;

    public String reason;

    @Column(name = "pipeline_project")
    public String pipelineProject;

    @Column(name = "pipeline_id")
    public String pipelineId;

    @Column(name = "pipeline_commit")
    public String pipelineCommit;

    @Column(name = "pipeline_ref")
    public String pipelineRef;

    @Column(name = "pipeline_url")
    public String pipelineUrl;

    @Column(name = "pipeline_job")
    public String pipelineJob;

    public String request;

    @Column(name = "override_reason")
    public String overrideReason;

    @Column(name = "override_by")
    public String overrideBy;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    public String error;

    /** The replica that ran it (host name and start id), for operators reading history. */
    @Column(name = "run_by")
    public String runBy;

    /** The fence of the lane lease it runs under: its status is written only while the lane still has it. */
    public Long fence;

    public static Optional<Deployment> byId(String id) {
        return findByIdOptional(id);
    }

    public static Optional<Deployment> byIdempotencyKey(String target, String key) {
        return find("target = ?1 and idempotencyKey = ?2", target, key).firstResultOptional();
    }

    /** The newest first, at most {@code limit}. */
    public static List<Deployment> history(String target, int limit) {
        return find("target", Sort.descending("id"), target)
                .page(Page.ofSize(limit))
                .list();
    }

    /** The id of the target's newest deployment that ended; empty when none has. */
    public static Optional<String> newestFinishedId(String target) {
        return find("target = ?1 and finishedAt is not null", Sort.descending("id"), target)
                .firstResultOptional()
                .map(d -> ((Deployment) d).id);
    }

    public static long unfinishedOf(String target) {
        return count("target = ?1 and status in ?2", target, List.of(Status.QUEUED, Status.RUNNING));
    }

    public static long queuedOf(String target) {
        return count("target = ?1 and status = ?2", target, Status.QUEUED);
    }

    /** Which of these deployments have ended (or are gone). */
    public static List<String> endedAmong(List<String> ids) {
        List<String> open = getEntityManager()
                .createQuery("select d.id from Deployment d where d.id in ?1 and d.status in ?2", String.class)
                .setParameter(1, ids)
                .setParameter(2, List.of(Status.QUEUED, Status.RUNNING))
                .getResultList();
        return ids.stream().filter(id -> !open.contains(id)).toList();
    }

    /** The oldest deployment waiting on the target's lane: the next to run. */
    public static Optional<Deployment> nextQueued(String target) {
        return find("target = ?1 and status = ?2", Sort.ascending("id"), target, Status.QUEUED)
                .firstResultOptional();
    }

    /** Targets with a deployment queued or running: where a lane may have work or a holder that died. */
    public static List<String> targetsWithUnfinished() {
        return getEntityManager()
                .createQuery("select distinct d.target from Deployment d where d.status in ?1", String.class)
                .setParameter(1, List.of(Status.QUEUED, Status.RUNNING))
                .getResultList();
    }

    public Pipeline pipeline() {
        if (pipelineProject == null
                && pipelineId == null
                && pipelineCommit == null
                && pipelineRef == null
                && pipelineUrl == null
                && pipelineJob == null) {
            return null;
        }
        return new Pipeline(pipelineProject, pipelineId, pipelineCommit, pipelineRef, pipelineUrl, pipelineJob);
    }

    /** The override that let it run outside the target's windows or in a freeze; null for none. */
    public PolicyOverride override() {
        return overrideReason == null ? null : new PolicyOverride(overrideReason, overrideBy);
    }

    /** A new row for a requested deployment: who asked, why, from which pipeline, what; not yet persisted. */
    static Deployment requested(String id, String target, DeployOrder order, Provenance provenance, Instant now) {
        Deployment d = new Deployment();
        d.id = id;
        d.target = target;
        d.trigger = provenance.trigger();
        d.requestedBy = provenance.requestedBy();
        d.reason = provenance.reason();
        Pipeline pipeline = provenance.pipeline();
        if (pipeline != null) {
            d.pipelineProject = pipeline.project();
            d.pipelineId = pipeline.id();
            d.pipelineCommit = pipeline.commit();
            d.pipelineRef = pipeline.ref();
            d.pipelineUrl = pipeline.url();
            d.pipelineJob = pipeline.job();
        }
        if (provenance.override() != null) {
            d.overrideReason = provenance.override().reason();
            d.overrideBy = provenance.override().by();
        }
        d.request = order.toJson();
        d.idempotencyKey = provenance.idempotencyKey();
        d.createdAt = now;
        return d;
    }
}
