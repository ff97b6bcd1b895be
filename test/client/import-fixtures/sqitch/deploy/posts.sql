-- Deploy blog:posts to pg
-- requires: users
-- requires: appschema

BEGIN;

CREATE TABLE blog.posts (
    id        bigserial PRIMARY KEY,
    nickname  text NOT NULL REFERENCES blog.users (nickname),
    body      text NOT NULL CHECK (length(body) > 0),
    timestamp timestamptz NOT NULL DEFAULT now()
);

COMMIT;
