CREATE FUNCTION ok_code(c text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT length(c) = 3 $$;
CREATE TABLE item (id int PRIMARY KEY, code text CHECK (ok_code(code)));
CREATE INDEX item_ok ON item (id) WHERE ok_code(code);
