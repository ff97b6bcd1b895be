CREATE TABLE doc (id int PRIMARY KEY, title text, author int);
CREATE INDEX doc_lookup ON doc (author);
CREATE INDEX doc_title ON doc (title);
