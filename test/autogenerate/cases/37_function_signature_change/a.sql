CREATE TABLE audit (id int PRIMARY KEY, changed timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.changed := now(); RETURN NEW; END $$;
CREATE TRIGGER audit_touch BEFORE UPDATE ON audit FOR EACH ROW EXECUTE FUNCTION touch();
CREATE FUNCTION scale(x int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT x * 10 $$;
CREATE TABLE scaled (id int PRIMARY KEY, v int DEFAULT scale(1));
