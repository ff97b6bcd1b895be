CREATE TABLE note (id int PRIMARY KEY, body text);
CREATE INDEX note_body ON note (body);
COMMENT ON TABLE note IS 'old comment';
COMMENT ON COLUMN note.body IS 'the body';
