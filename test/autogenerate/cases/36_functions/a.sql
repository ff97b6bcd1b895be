CREATE FUNCTION add_one(x int) RETURNS int LANGUAGE sql AS $$ SELECT x + 1 $$;
CREATE FUNCTION old_helper() RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN 'old'; END $$;
