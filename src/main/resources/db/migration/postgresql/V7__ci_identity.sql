-- CI identity: the job an ID token names, and the token ids (jti) already spent. A jti is kept until
-- its token's exp + 60 s (the leeway), so a replay is refused on every replica, before and after a restart.
ALTER TABLE deployment ADD COLUMN pipeline_job VARCHAR(255);

CREATE TABLE spent_token_id (
    id         VARCHAR(64) NOT NULL PRIMARY KEY,     -- hex SHA-256 of issuer name, newline, jti
    expires_at TIMESTAMP(6) WITH TIME ZONE NOT NULL
);
CREATE INDEX spent_token_id_expires ON spent_token_id (expires_at);
