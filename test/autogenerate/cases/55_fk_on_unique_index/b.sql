-- The unique index the foreign key relies on is rebuilt (now partial-free
-- with INCLUDE): the foreign key is dropped before and added after.
CREATE TABLE code (id int PRIMARY KEY, key text NOT NULL);
CREATE UNIQUE INDEX code_key ON code (key) INCLUDE (id);
CREATE TABLE use (id int PRIMARY KEY, code_key text REFERENCES code (key));
