CREATE TABLE doc (id int PRIMARY KEY, title text, score int);
CREATE INDEX doc_title ON doc (lower(title));
CREATE INDEX doc_score ON doc (score DESC) WHERE score > 0;
CREATE VIEW top_docs AS SELECT id, title FROM doc WHERE score > 10 ORDER BY score DESC;
CREATE MATERIALIZED VIEW doc_count AS SELECT count(*) AS n FROM doc;
