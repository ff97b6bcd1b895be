DROP VIEW published_posts;
ALTER TABLE posts DROP COLUMN published_at;
