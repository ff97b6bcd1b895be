-- A label removed and the order changed: the type is replaced (rename,
-- create, convert, drop) and everything that uses it is rebuilt around it.
CREATE TYPE level AS ENUM ('high', 'mid', 'low');
CREATE TABLE task (id int PRIMARY KEY, prio level DEFAULT 'mid', CONSTRAINT not_high CHECK (prio <> 'high'));
CREATE VIEW urgent AS SELECT id FROM task WHERE prio = 'mid';
CREATE FUNCTION is_low(l level) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT l = 'low' $$;
