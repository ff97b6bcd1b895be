CREATE TABLE posts (
    id        bigserial PRIMARY KEY,
    author_id bigint NOT NULL REFERENCES users (id),
    title     text NOT NULL
);
CREATE INDEX posts_author_idx ON posts (author_id);
