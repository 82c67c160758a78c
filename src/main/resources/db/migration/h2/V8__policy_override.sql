-- Deploy policies: an operator's override of a target's windows and freezes, kept with the deployment
-- it let through (why, and who), for the history and the notification.
ALTER TABLE deployment ADD COLUMN override_reason VARCHAR(1000);
ALTER TABLE deployment ADD COLUMN override_by VARCHAR(128);
