-- Body, volatility and security change in place (CREATE OR REPLACE).
CREATE FUNCTION add_one(x int) RETURNS int LANGUAGE sql IMMUTABLE SECURITY DEFINER SET search_path = pg_catalog AS $$ SELECT x + 2 $$;
CREATE FUNCTION greet(name text DEFAULT 'world') RETURNS text LANGUAGE plpgsql STABLE AS $$ BEGIN RETURN 'hello ' || name; END $$;
CREATE FUNCTION total(VARIADIC nums int[]) RETURNS bigint LANGUAGE sql IMMUTABLE RETURN (SELECT sum(n) FROM unnest(nums) n);
