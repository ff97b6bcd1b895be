-- metamigrate.snapshot(): a normalized model of the given schemas.
CREATE SCHEMA ag_snap;
CREATE TYPE ag_snap.mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE ag_snap.parent (
    id serial PRIMARY KEY,
    name varchar(40) NOT NULL DEFAULT 'x',
    mood ag_snap.mood,
    created timestamptz DEFAULT now()
);
CREATE TABLE ag_snap.child (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id int REFERENCES ag_snap.parent ON DELETE CASCADE DEFERRABLE,
    note text COLLATE "C" CHECK (length(note) > 2)
);
CREATE INDEX child_note ON ag_snap.child (lower(note) text_pattern_ops DESC) INCLUDE (id) WHERE parent_id > 0;
CREATE VIEW ag_snap.parent_names AS SELECT id, name FROM ag_snap.parent;
CREATE FUNCTION ag_snap.twice(x int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT x * 2 $$;
COMMENT ON TABLE ag_snap.parent IS 'parents';

CREATE TEMP TABLE snap AS SELECT metamigrate.snapshot('{ag_snap}') AS s;
SELECT s ->> 'format' AS format, jsonb_pretty(s -> 'schemas') AS schemas FROM snap;
-- Names and types are schema-qualified; the order is by name, not by attnum.
SELECT t ->> 'name' AS table_name, c ->> 'name' AS column_name, c ->> 'type' AS type,
       c ->> 'not_null' AS not_null, c ->> 'default' AS default_expr, c ->> 'collation' AS collation,
       c -> 'identity' ->> 'generation' AS identity
  FROM snap, jsonb_array_elements(s -> 'tables') t, jsonb_array_elements(t -> 'columns') c ORDER BY 1, 2;
SELECT t ->> 'name' AS table_name, jsonb_pretty(t -> 'constraints') AS constraints
  FROM snap, jsonb_array_elements(s -> 'tables') t ORDER BY 1;
SELECT jsonb_pretty(s -> 'tables' -> 0 -> 'indexes') AS child_indexes FROM snap;
SELECT jsonb_pretty(s -> 'sequences') AS sequences, jsonb_pretty(s -> 'types') AS types FROM snap;
SELECT v ->> 'name' AS view_name, v ->> 'definition' AS definition FROM snap, jsonb_array_elements(s -> 'views') v;
SELECT f ->> 'name' AS function_name, f ->> 'identity_arguments' AS args, f ->> 'volatility' AS volatility,
       f ->> 'definition' AS definition
  FROM snap, jsonb_array_elements(s -> 'functions') f;
-- Dependencies between model objects, as [dependent key, referenced key].
SELECT d ->> 0 AS dependent, d ->> 1 AS referenced FROM snap, jsonb_array_elements(s -> 'dependencies') d;

-- The same schema written differently gives the same bytes, but for how
-- it was written: the columns' physical order and the spelling of
-- constant defaults (they only guide the DDL the diff writes).
CREATE FUNCTION pg_temp.without_how_written(m jsonb) RETURNS jsonb LANGUAGE sql AS $$
  SELECT m || jsonb_build_object('tables', (
    SELECT jsonb_agg((t - 'column_order') || jsonb_build_object('columns', (
             SELECT jsonb_agg(c - 'default_source' ORDER BY j) FROM jsonb_array_elements(t -> 'columns') WITH ORDINALITY f(c, j)))
           ORDER BY i)
      FROM jsonb_array_elements(m -> 'tables') WITH ORDINALITY e(t, i)))
$$;
DROP SCHEMA ag_snap CASCADE;
CREATE SCHEMA ag_snap;
SET search_path = ag_snap, public;
CREATE FUNCTION twice(integer) RETURNS integer IMMUTABLE LANGUAGE 'sql' AS $$ SELECT $1 * 2 $$;
DROP FUNCTION twice(integer);
CREATE FUNCTION twice(x integer) RETURNS integer IMMUTABLE LANGUAGE 'sql' AS $$ SELECT x * 2 $$;
CREATE TYPE mood AS ENUM ('ok');
ALTER TYPE mood ADD VALUE 'sad' BEFORE 'ok';
ALTER TYPE mood ADD VALUE 'happy';
CREATE SEQUENCE parent_id_seq AS integer;
CREATE TABLE parent (
    created timestamp with time zone DEFAULT pg_catalog.now(),
    mood mood,
    name character varying(40) DEFAULT 'x'::character varying NOT NULL,
    id integer NOT NULL DEFAULT nextval('parent_id_seq')
);
ALTER SEQUENCE parent_id_seq OWNED BY parent.id;
ALTER TABLE parent ADD CONSTRAINT parent_pkey PRIMARY KEY (id);
COMMENT ON TABLE parent IS 'parents';
CREATE TABLE child (note text COLLATE "C", parent_id integer, id int8 NOT NULL);
ALTER TABLE child ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
ALTER TABLE child ADD CONSTRAINT child_note_check CHECK ((length(note) > 2)),
                  ADD CONSTRAINT child_pkey PRIMARY KEY (id),
                  ADD CONSTRAINT child_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES parent (id)
                      ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE;
CREATE INDEX child_note ON child USING btree (lower(note) text_pattern_ops DESC NULLS FIRST) INCLUDE (id) WHERE (parent_id > 0);
CREATE VIEW parent_names AS SELECT parent.id, parent.name FROM parent;
RESET search_path;
SELECT metamigrate.snapshot('{ag_snap}') = s AS same_model,
       pg_temp.without_how_written(metamigrate.snapshot('{ag_snap}')) = pg_temp.without_how_written(s) AS same_but_how_written
  FROM snap;
SELECT * FROM metamigrate.snapshot_differences((SELECT s FROM snap), metamigrate.snapshot('{ag_snap}'));
SELECT t ->> 'name' AS table_name, t -> 'column_order' AS was, n -> 'column_order' AS now
  FROM snap, jsonb_array_elements(s -> 'tables') t,
       jsonb_array_elements(metamigrate.snapshot('{ag_snap}') -> 'tables') n
 WHERE n ->> 'name' = t ->> 'name' ORDER BY 1;
SELECT d -> 'upgrade' AS upgrade, d -> 'downgrade' AS downgrade,
       jsonb_pretty(d -> 'column_order') AS column_order
  FROM snap, metamigrate.diff(s, metamigrate.snapshot('{ag_snap}')) d;

-- Defaults that are only casts of constants are folded, so spellings agree.
CREATE TABLE ag_snap.defaults (a numeric DEFAULT 0, b numeric DEFAULT '0', c numeric DEFAULT 0::numeric,
                               d varchar(5) DEFAULT 'x'::text, e varchar(5) DEFAULT 'x', f int DEFAULT 1 + 2);
SELECT c ->> 'name' AS column_name, c ->> 'default' AS default_expr, c ->> 'default_source' AS as_written
  FROM jsonb_array_elements(metamigrate.snapshot('{ag_snap}') -> 'tables') t, jsonb_array_elements(t -> 'columns') c
 WHERE t ->> 'name' = 'defaults';

-- Excluded: the provider's version table, objects that belong to an
-- extension (the extension itself is listed), and metamigrate's own schema.
CREATE TABLE ag_snap.ag_version (version_num varchar(32) NOT NULL, CONSTRAINT ag_version_pkc PRIMARY KEY (version_num));
ALTER TABLE ag_snap.ag_version OWNER TO mm_app_owner;  -- a version table belongs to the owner role
SELECT metamigrate.register_provider('ag_snap_pkg', 'snap', 'mm_app_owner', 'ag_snap', 'ag_version');
CREATE EXTENSION citext SCHEMA ag_snap;
CREATE TABLE ag_snap.login (name ag_snap.citext);
SELECT jsonb_pretty(s -> 'extensions') AS extensions,
       (SELECT count(*) FROM jsonb_array_elements(s -> 'tables') t WHERE t ->> 'name' = 'ag_version') AS version_tables,
       (SELECT count(*) FROM jsonb_array_elements(s -> 'functions')) AS functions,
       (SELECT count(*) FROM jsonb_array_elements(s -> 'types')) AS types
  FROM (SELECT metamigrate.snapshot('{ag_snap}') AS s) x;
SELECT d ->> 0 AS dependent, d ->> 1 AS referenced
  FROM jsonb_array_elements(metamigrate.snapshot('{ag_snap}') -> 'dependencies') d WHERE d ->> 0 LIKE '%login%';
SELECT metamigrate.snapshot('{metamigrate}') -> 'tables' AS metamigrate_tables,
       metamigrate.snapshot('{no_such_schema}') -> 'schemas' AS missing_schema;

-- The fixed search_path and output settings do not leak out.
SET DateStyle = 'SQL, DMY';
SELECT metamigrate.snapshot('{ag_snap}') IS NOT NULL AS ok, current_setting('DateStyle') AS datestyle,
       current_setting('search_path') AS search_path;
RESET DateStyle;

-- Bad input.
SELECT metamigrate.snapshot('{pg_catalog}');
SELECT metamigrate.snapshot(ARRAY['ag_snap', NULL]);
SELECT metamigrate.snapshot(NULL) IS NULL AS strict;

DELETE FROM metamigrate.provider WHERE provider_key = 'ag_snap_pkg:snap';
DROP SCHEMA ag_snap CASCADE;

-- Extreme numbers and non-ASCII text keep their values on the model's way
-- from C++ to jsonb and back (no text in between).
CREATE SCHEMA ag_edge;
CREATE SEQUENCE ag_edge.wide AS bigint MINVALUE -9223372036854775808 MAXVALUE 9223372036854775807
  START 9223372036854775807 INCREMENT -3 CACHE 7;
COMMENT ON SEQUENCE ag_edge.wide IS E'caf\u00e9 \u20ac "quoted" \\ tab\t end';
CREATE TEMP TABLE edge AS SELECT metamigrate.snapshot('{ag_edge}') AS s;
SELECT q ->> 'min' AS min, q ->> 'max' AS max, q ->> 'start' AS start, q ->> 'increment' AS increment,
       jsonb_typeof(q -> 'max') AS max_type, q ->> 'comment' AS comment
  FROM edge, jsonb_array_elements(s -> 'sequences') q;
SELECT metamigrate.diff(s, s) AS nothing_between_equal_models FROM edge;
SELECT jsonb_array_elements_text(metamigrate.diff('{"format": "metamigrate.schema/1"}', s) -> 'upgrade') AS creates
  FROM edge;
DROP SCHEMA ag_edge CASCADE;

-- Plain indexes' and keys' definitions are composed from their catalog
-- rows rather than deparsed: every index's method and columns in the model
-- are those of what pg_get_indexdef prints, and every constraint's
-- definition is what pg_get_constraintdef prints, plain or not (but for
-- the deferrability and NOT VALID, which the model has apart).
CREATE SCHEMA "Ag Index";
CREATE DOMAIN "Ag Index".code AS text;
CREATE TYPE "Ag Index".mood AS ENUM ('ok', 'sad');
CREATE TABLE "Ag Index"."Mixed Case" (
  id bigint PRIMARY KEY, "select" integer, label varchar(20), note text COLLATE "C", tag "Ag Index".code,
  mood "Ag Index".mood, nums integer[], at timestamptz, spot point, "Odd ""Name""" text);
CREATE INDEX plain_one ON "Ag Index"."Mixed Case" ("select");
CREATE UNIQUE INDEX "Unique Two" ON "Ag Index"."Mixed Case" (label, id);
CREATE INDEX on_collated ON "Ag Index"."Mixed Case" (note);
CREATE INDEX other_collation ON "Ag Index"."Mixed Case" (label COLLATE "C");
CREATE INDEX pattern_ops ON "Ag Index"."Mixed Case" (label varchar_pattern_ops);
CREATE INDEX on_domain ON "Ag Index"."Mixed Case" (tag);
CREATE INDEX on_enum ON "Ag Index"."Mixed Case" (mood);
CREATE INDEX on_array ON "Ag Index"."Mixed Case" USING gin (nums);
CREATE INDEX descending ON "Ag Index"."Mixed Case" (at DESC NULLS LAST, id);
CREATE INDEX nulls_first ON "Ag Index"."Mixed Case" (at NULLS FIRST);
CREATE INDEX hashed ON "Ag Index"."Mixed Case" USING hash (label);
CREATE INDEX brin_at ON "Ag Index"."Mixed Case" USING brin (at) WITH (pages_per_range = 16);
CREATE INDEX gist_spot ON "Ag Index"."Mixed Case" USING gist (spot);
CREATE INDEX expression ON "Ag Index"."Mixed Case" (lower(label));
CREATE INDEX partial ON "Ag Index"."Mixed Case" (id) WHERE "select" > 0;
CREATE INDEX covering ON "Ag Index"."Mixed Case" (id) INCLUDE (label);
CREATE UNIQUE INDEX not_distinct ON "Ag Index"."Mixed Case" (tag) NULLS NOT DISTINCT;
CREATE INDEX "Odd ""Index""" ON "Ag Index"."Mixed Case" ("Odd ""Name""");
CREATE TABLE "Ag Index".parted (id integer, at date) PARTITION BY RANGE (at);
CREATE TABLE "Ag Index".parted_2026 PARTITION OF "Ag Index".parted FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX parted_at ON "Ag Index".parted (at);
CREATE TABLE "Ag Index"."Keys" (
  "Id" integer, "order" integer, kind text, note text, other integer,
  CONSTRAINT two_keys PRIMARY KEY ("Id", "order"),
  CONSTRAINT plain_unique UNIQUE (kind),
  CONSTRAINT deferred_unique UNIQUE (note) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT immediate_unique UNIQUE (other, kind) DEFERRABLE,
  CONSTRAINT covering_unique UNIQUE (other) INCLUDE (note),
  CONSTRAINT not_distinct_unique UNIQUE NULLS NOT DISTINCT (note, other),
  CONSTRAINT positive CHECK ("order" > 0),
  CONSTRAINT no_overlap EXCLUDE USING btree (other WITH =) WHERE (other > 100));
CREATE TABLE "Ag Index".refs (
  id integer, a integer, b integer, c text,
  CONSTRAINT covering_key PRIMARY KEY (id) INCLUDE (a),
  CONSTRAINT to_keys FOREIGN KEY (a, b) REFERENCES "Ag Index"."Keys" ("Id", "order"),
  CONSTRAINT full_match FOREIGN KEY (b, a) REFERENCES "Ag Index"."Keys" ("order", "Id") MATCH FULL
    ON UPDATE CASCADE ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT restricting FOREIGN KEY (c) REFERENCES "Ag Index"."Keys" (kind) ON UPDATE RESTRICT ON DELETE SET DEFAULT,
  CONSTRAINT set_columns FOREIGN KEY (a, b) REFERENCES "Ag Index"."Keys" ON DELETE SET NULL (b),
  CONSTRAINT to_self FOREIGN KEY (a) REFERENCES "Ag Index".refs ON DELETE CASCADE);
ALTER TABLE "Ag Index".refs ADD CONSTRAINT not_valid FOREIGN KEY (b) REFERENCES "Ag Index".refs NOT VALID;
CREATE TABLE ag_index_elsewhere (id integer PRIMARY KEY);
ALTER TABLE "Ag Index".refs ADD CONSTRAINT other_schema FOREIGN KEY (b) REFERENCES ag_index_elsewhere;
CREATE TEMP TABLE index_snap AS SELECT metamigrate.snapshot('{"Ag Index"}') AS s;
SELECT t ->> 'name' AS "table", i ->> 'name' AS index,
       strpos(pg_get_indexdef(format('%I.%I', 'Ag Index', i ->> 'name')::regclass),
              format('USING %s (%s)', i ->> 'method',
                     (SELECT string_agg(c, ', ') FROM jsonb_array_elements_text(i -> 'columns') c))) > 0 AS as_deparsed,
       i ->> 'unique' AS "unique"
  FROM index_snap, jsonb_array_elements(s -> 'tables') t, jsonb_array_elements(t -> 'indexes') i
 ORDER BY 1, 2;
SELECT count(*) AS indexes_in_model
  FROM index_snap, jsonb_array_elements(s -> 'tables') t, jsonb_array_elements(t -> 'indexes') i;
SET search_path = pg_catalog, pg_temp;  -- as the snapshot deparses: other schemas qualified
SELECT t ->> 'name' AS "table", c ->> 'name' AS "constraint",
       c ->> 'definition' = (SELECT regexp_replace(pg_get_constraintdef(co.oid),
                                                   '( DEFERRABLE)?( INITIALLY DEFERRED)?( NOT VALID)?$', '')
                               FROM pg_constraint co
                              WHERE co.conrelid = format('%I.%I', 'Ag Index', t ->> 'name')::regclass
                                AND co.conname = c ->> 'name') AS as_deparsed
  FROM index_snap, jsonb_array_elements(s -> 'tables') t, jsonb_array_elements(t -> 'constraints') c
 ORDER BY 1, 2;
-- A foreign key's "references": the referenced table and its columns in
-- the key's order, as the catalog has them.
SELECT t ->> 'name' AS "table", c ->> 'name' AS "constraint",
       c -> 'references' = (SELECT jsonb_build_object('schema', rn.nspname, 'table', rc.relname, 'columns',
                                     (SELECT jsonb_agg(a.attname ORDER BY k.ord)
                                        FROM unnest(co.confkey) WITH ORDINALITY AS k(attnum, ord)
                                        JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.attnum))
                              FROM pg_constraint co JOIN pg_class rc ON rc.oid = co.confrelid
                              JOIN pg_namespace rn ON rn.oid = rc.relnamespace
                             WHERE co.conrelid = format('%I.%I', 'Ag Index', t ->> 'name')::regclass
                               AND co.conname = c ->> 'name') AS as_in_catalog
  FROM index_snap, jsonb_array_elements(s -> 'tables') t, jsonb_array_elements(t -> 'constraints') c
 WHERE c ->> 'type' = 'foreign key'
 ORDER BY 1, 2;
RESET search_path;
DROP SCHEMA "Ag Index" CASCADE;
DROP TABLE ag_index_elsewhere;
