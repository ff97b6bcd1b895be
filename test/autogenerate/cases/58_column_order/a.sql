CREATE TABLE t (id int PRIMARY KEY, b text, a text, gone int);
INSERT INTO t VALUES (1, 'b', 'a', 0);
