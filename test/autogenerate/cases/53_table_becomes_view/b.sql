CREATE TABLE source (id int PRIMARY KEY, v int);
CREATE VIEW summary AS SELECT sum(v) AS total FROM source;
