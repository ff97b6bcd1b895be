-- Dropping a, b and ref_id: every index, constraint and view that uses them
-- is dropped first, explicitly; the downgrade brings them all back.
CREATE TABLE ref (id int PRIMARY KEY);
CREATE TABLE t (id int PRIMARY KEY);
