-- Fencing: every take-over of a lane by a replica bumps its fence; the deployment a replica starts
-- carries the fence it held, and its status is written only while the lane still has that fence,
-- so a replica that lost its lease (cut off, paused) cannot overwrite what the taker recorded.
ALTER TABLE lane ADD COLUMN fence BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE deployment ADD COLUMN fence BIGINT;

-- The container a change created (watch, ssh-docker): a repair after a crash keeps a new container
-- only when the change that made it, this row, says it passed its gate.
ALTER TABLE deployment_change ADD COLUMN container_id VARCHAR(64);
