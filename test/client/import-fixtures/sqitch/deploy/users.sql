-- Deploy blog:users to pg
-- requires: appschema

BEGIN;

CREATE TABLE blog.users (
    nickname  text PRIMARY KEY,
    password  text NOT NULL,
    timestamp timestamptz NOT NULL DEFAULT now()
);

COMMIT;
