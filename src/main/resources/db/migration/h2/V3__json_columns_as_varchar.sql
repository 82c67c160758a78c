-- The JSON columns as unbounded CHARACTER VARYING rather than CLOB, so the entities map them as plain
-- strings on H2 and on PostgreSQL (TEXT) alike, and Hibernate's schema validation accepts both.
ALTER TABLE target ALTER COLUMN spec SET DATA TYPE CHARACTER VARYING;
ALTER TABLE deployment ALTER COLUMN request SET DATA TYPE CHARACTER VARYING;
