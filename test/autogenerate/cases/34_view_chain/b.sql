-- v1 changes: v2 and v3, which depend on it, are rebuilt in order.
CREATE TABLE t (id int PRIMARY KEY, a int, b int);
CREATE VIEW v1 AS SELECT id, a + b AS a FROM t;
CREATE VIEW v2 AS SELECT id, a * 2 AS a2 FROM v1;
CREATE VIEW v3 AS SELECT count(*) AS n FROM v2;
