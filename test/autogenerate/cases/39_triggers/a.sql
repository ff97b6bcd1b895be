CREATE TABLE item (id int PRIMARY KEY, name text, updated timestamptz);
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated := now(); RETURN NEW; END $$;
CREATE TRIGGER item_stamp BEFORE UPDATE ON item FOR EACH ROW EXECUTE FUNCTION stamp();
