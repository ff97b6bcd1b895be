-- No down file: golang-migrate allows that.
INSERT INTO users (email) VALUES ('admin@example.com');
COMMENT ON COLUMN users.email IS 'login name';
