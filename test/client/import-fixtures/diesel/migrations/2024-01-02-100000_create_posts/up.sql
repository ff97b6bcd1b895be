CREATE TABLE posts (
    id      SERIAL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    title   VARCHAR NOT NULL,
    body    TEXT NOT NULL DEFAULT ''
);
