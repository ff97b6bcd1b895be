-- A table with a history of dropped and re-added columns; the order of
-- columns is not part of the model.
CREATE TABLE t (junk int, note text, id int PRIMARY KEY, other text);
ALTER TABLE t DROP COLUMN junk, DROP COLUMN other, ADD COLUMN name text;
