-- A data and comment migration: dbmate allows leaving out the down block.
-- migrate:up
COMMENT ON TABLE users IS 'people who read and write posts';
INSERT INTO users (email, role) VALUES ('admin@example.com', 'admin');
