CREATE FUNCTION next_code() RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT md5(random()::text) $$;
CREATE FUNCTION valid_code(c text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT length(c) = 32 $$;
CREATE FUNCTION norm(c text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(c) $$;
CREATE TABLE voucher (id int PRIMARY KEY, code text NOT NULL DEFAULT next_code() CHECK (valid_code(code)));
CREATE INDEX voucher_norm ON voucher (norm(code));
CREATE FUNCTION voucher_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM voucher $$;
