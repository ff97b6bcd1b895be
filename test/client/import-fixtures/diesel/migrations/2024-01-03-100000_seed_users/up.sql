-- Generated with `diesel migration generate --no-down`: no down.sql.
INSERT INTO users (name) VALUES ('admin');
