-- The function's argument name changes, so it is dropped and recreated;
-- the check constraint and the partial index that call it are rebuilt.
CREATE FUNCTION ok_code(code text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT length(code) = 3 $$;
CREATE TABLE item (id int PRIMARY KEY, code text CHECK (ok_code(code)));
CREATE INDEX item_ok ON item (id) WHERE ok_code(code);
