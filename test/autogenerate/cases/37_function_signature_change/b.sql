-- scale's result type changes: the function is dropped and created, and
-- the default that calls it is dropped before and set again after.
CREATE TABLE audit (id int PRIMARY KEY, changed timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.changed := clock_timestamp(); RETURN NEW; END $$;
CREATE TRIGGER audit_touch BEFORE UPDATE ON audit FOR EACH ROW EXECUTE FUNCTION touch();
CREATE FUNCTION scale(x int) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT x * 10::bigint $$;
CREATE TABLE scaled (id int PRIMARY KEY, v int DEFAULT scale(1));
