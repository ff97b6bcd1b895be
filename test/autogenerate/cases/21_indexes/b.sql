CREATE TABLE doc (id int PRIMARY KEY, title text, body text, author int, created timestamptz, score numeric);
CREATE INDEX doc_title_lower ON doc (lower(title) text_pattern_ops);
CREATE INDEX doc_recent ON doc (created DESC NULLS LAST) WHERE score > 0;
CREATE UNIQUE INDEX doc_author_title ON doc (author, title) INCLUDE (score);
CREATE INDEX doc_body_hash ON doc USING hash (body);
CREATE INDEX doc_score ON doc (score) WITH (fillfactor = 70);
CREATE INDEX doc_title_c ON doc (title COLLATE "C");
