-- Review environments: one compose project per slug of a template target. Each is also a target of
-- its own (source ENVIRONMENT), so its history, rollback and pause are those of any target.
ALTER TABLE target ALTER COLUMN source SET DATA TYPE VARCHAR(16);

-- H2 writes a commit to its file up to 500 ms later by default: a Keelson killed (kill -9, OOM
-- killer) in that window forgot deployments it had already answered for (measured: the STOP
-- deployment a DELETE had answered 202 for was gone after the restart). Each commit is written at
-- once from now on; the setting is kept in the database file.
SET WRITE_DELAY 0;

CREATE TABLE environment (
    target       VARCHAR(63)  NOT NULL PRIMARY KEY,   -- the environment's own target: template--slug
    template     VARCHAR(63)  NOT NULL,
    slug         VARCHAR(40)  NOT NULL,
    state        VARCHAR(16)  NOT NULL,               -- ACTIVE, or STOPPING once its end is queued
    ttl_seconds  BIGINT       NOT NULL,               -- the lifetime each deployment starts again
    url          VARCHAR(2048),
    created_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    stop_attempt INTEGER      DEFAULT 0 NOT NULL,     -- names the STOP/EXPIRE deployment of this attempt (its idempotency key)
    stop_trigger VARCHAR(16)
);
CREATE INDEX ix_environment_template ON environment (template);
CREATE INDEX ix_environment_expiry ON environment (state, expires_at);

-- One row per host port an environment holds: the primary key is what keeps two environments
-- (of any template, on any replica) from ever holding the same port.
CREATE TABLE environment_port (
    port     INTEGER      NOT NULL PRIMARY KEY,
    target   VARCHAR(63)  NOT NULL REFERENCES environment (target) ON DELETE CASCADE,
    service  VARCHAR(128) NOT NULL
);
CREATE INDEX ix_environment_port_target ON environment_port (target);
