-- Several Keelson processes on one database. The queue is the deployment table; these tables say
-- who runs each target's work now, what checks are waiting, and when each watch target is due.

-- One row per target: the replica holding its lane (running its work, one item at a time) until
-- lease_until, and the newest id handed out on it, so ids sort in submission order across replicas.
CREATE TABLE lane (
    target       VARCHAR(63)  NOT NULL PRIMARY KEY,
    holder       VARCHAR(64),
    lease_until  TIMESTAMP(6) WITH TIME ZONE,
    last_id      VARCHAR(26)
);

-- A watch check waiting on a target's lane; later requests join it (their images added) instead of piling up.
CREATE TABLE check_request (
    target        VARCHAR(63)   NOT NULL PRIMARY KEY,
    id            VARCHAR(26)   NOT NULL,              -- from the lane's ids: its place among queued deployments
    trigger_kind  VARCHAR(16)   NOT NULL,
    images        VARCHAR(20000) NOT NULL,             -- JSON list of image references; [] means every watched image
    requested_by  VARCHAR(128)
);

-- When each watch target's next scheduled check is due; the replica that moves due_at on queues the check.
CREATE TABLE watch_slot (
    target    VARCHAR(63)  NOT NULL PRIMARY KEY,
    schedule  VARCHAR(160) NOT NULL,                  -- "every 300s" or "cron <expression>"; a change starts over
    due_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL
);

-- Rows locked (SELECT … FOR UPDATE) to do something once across replicas: mirror the catalog folder,
-- generate the admin token.
CREATE TABLE cluster_lock (
    name  VARCHAR(32) NOT NULL PRIMARY KEY
);
INSERT INTO cluster_lock (name) VALUES ('catalog');
INSERT INTO cluster_lock (name) VALUES ('tokens');

-- The replica that ran a deployment, for operators reading history.
ALTER TABLE deployment ADD COLUMN run_by VARCHAR(64);
CREATE INDEX ix_deployment_target_status ON deployment (target, status, id);
