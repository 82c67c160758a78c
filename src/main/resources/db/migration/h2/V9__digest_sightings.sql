-- Deploy policies: when Keelson first saw each image digest (a registry webhook, a watch check, a
-- deployment request), for every target, replica and restart; minAge counts from here, never from
-- the image's own created date. One row per digest, never changed once written.
CREATE TABLE digest_sighting (
    digest VARCHAR(71) NOT NULL PRIMARY KEY,
    first_seen TIMESTAMP(6) WITH TIME ZONE NOT NULL
);
