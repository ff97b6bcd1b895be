-- No undo script (Flyway Community has none at all).
INSERT INTO users (email) VALUES ('admin@example.com');
