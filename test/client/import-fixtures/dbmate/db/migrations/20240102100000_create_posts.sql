-- migrate:up
CREATE TABLE posts (
    id        bigserial PRIMARY KEY,
    author_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title     text NOT NULL,
    body      text
);

-- migrate:down
DROP TABLE posts;
