-- The image reference a unit ran before a change, which may name another repository than the new
-- one (a pipeline deploying ci/bot:sha over bot:latest); a rollback restores that reference's digest.
ALTER TABLE deployment_change ADD COLUMN from_image VARCHAR(1024);
