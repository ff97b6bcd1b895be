CREATE TABLE ref (id int PRIMARY KEY);
CREATE TABLE t (id int PRIMARY KEY, a int, b int, ref_id int REFERENCES ref, CONSTRAINT a_b CHECK (a < b), CONSTRAINT ab_unique UNIQUE (a, b));
CREATE INDEX t_a ON t (a);
CREATE INDEX t_ab ON t (a, id) WHERE b > 0;
CREATE VIEW t_a_view AS SELECT id, a FROM t;
