-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY posts_author_idx ON posts (author_id);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY posts_author_idx;
