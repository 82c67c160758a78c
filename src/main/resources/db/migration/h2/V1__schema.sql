-- Keelson's schema. Flyway owns it; Hibernate only validates against it.

CREATE TABLE target (
    name         VARCHAR(63)  NOT NULL PRIMARY KEY,
    strategy     VARCHAR(32)  NOT NULL,
    source       VARCHAR(8)   NOT NULL,   -- FILE or API
    source_file  VARCHAR(1024),
    spec         CLOB         NOT NULL,   -- the TargetSpec as JSON; holds no secret, only their names
    paused       BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL
);

CREATE TABLE deployment (
    id               VARCHAR(26)  NOT NULL PRIMARY KEY,   -- a monotonic ULID: sorts in request order
    target           VARCHAR(63)  NOT NULL,
    trigger_kind     VARCHAR(16)  NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    requested_by     VARCHAR(128),
    reason           VARCHAR(1000),
    pipeline_project VARCHAR(255),
    pipeline_id      VARCHAR(255),
    pipeline_commit  VARCHAR(255),
    pipeline_ref     VARCHAR(255),
    pipeline_url     VARCHAR(2048),
    request          CLOB         NOT NULL,               -- what was asked: services, force, image, rollback digests
    idempotency_key  VARCHAR(255),
    created_at       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    started_at       TIMESTAMP(6) WITH TIME ZONE,
    finished_at      TIMESTAMP(6) WITH TIME ZONE,
    error            VARCHAR(4000),
    CONSTRAINT uq_deployment_idempotency UNIQUE (target, idempotency_key)
);
CREATE INDEX ix_deployment_target ON deployment (target, id);
CREATE INDEX ix_deployment_status ON deployment (status);

CREATE TABLE deployment_change (
    id             BIGINT       NOT NULL PRIMARY KEY,
    deployment_id  VARCHAR(26)  NOT NULL REFERENCES deployment (id),
    host           VARCHAR(255),
    unit           VARCHAR(255) NOT NULL,
    image          VARCHAR(1024),
    from_digest    VARCHAR(100),
    to_digest      VARCHAR(100),
    status         VARCHAR(16)  NOT NULL
);
CREATE INDEX ix_change_deployment ON deployment_change (deployment_id, id);
CREATE SEQUENCE deployment_change_seq START WITH 1 INCREMENT BY 50;

CREATE TABLE deployment_log (
    id             BIGINT       NOT NULL PRIMARY KEY,
    deployment_id  VARCHAR(26)  NOT NULL REFERENCES deployment (id),
    logged_at      TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    line           VARCHAR(4000) NOT NULL
);
CREATE INDEX ix_log_deployment ON deployment_log (deployment_id, id);
CREATE SEQUENCE deployment_log_seq START WITH 1 INCREMENT BY 50;

CREATE TABLE api_token (
    name        VARCHAR(64)  NOT NULL PRIMARY KEY,
    sha256      VARCHAR(64)  NOT NULL,
    role        VARCHAR(16)  NOT NULL,
    created_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL
);
