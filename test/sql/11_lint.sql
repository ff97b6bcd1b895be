-- lint: every rule flagged, and its safe form not flagged.
CREATE TABLE lint_acct (id int PRIMARY KEY, name varchar(20), amount numeric(10,2), status text, code cidr);
CREATE TYPE lint_mood AS ENUM ('ok');
CREATE FUNCTION pg_temp.rules(sql text, transactional boolean DEFAULT true, lock_timeout_set boolean DEFAULT true)
RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(rule || '@' || line, ' ' ORDER BY line, rule), '(clean)')
    FROM metamigrate.lint(sql, transactional, lock_timeout_set)
$$;

-- require-concurrent-index
SELECT pg_temp.rules('CREATE INDEX i ON lint_acct (name);') AS flagged,
       pg_temp.rules('CREATE INDEX CONCURRENTLY i ON lint_acct (name);', false) AS concurrent,
       pg_temp.rules(E'CREATE TABLE t (id int);\nCREATE INDEX i ON t (id);') AS new_table,
       pg_temp.rules('ALTER TABLE lint_acct ADD CONSTRAINT u UNIQUE (name);') AS unique_flagged,
       pg_temp.rules('ALTER TABLE lint_acct ADD CONSTRAINT u UNIQUE USING INDEX i;') AS using_index;
-- concurrently-in-transaction
SELECT pg_temp.rules('CREATE INDEX CONCURRENTLY i ON lint_acct (name);') AS flagged,
       pg_temp.rules('REINDEX INDEX CONCURRENTLY i;') AS reindex,
       pg_temp.rules('DROP INDEX CONCURRENTLY i;') AS drop_index,
       pg_temp.rules('REINDEX INDEX CONCURRENTLY i;', false) AS outside_transaction;
-- table-rewrite-type-change
SELECT pg_temp.rules('ALTER TABLE lint_acct ALTER COLUMN status TYPE integer USING 0;') AS flagged,
       pg_temp.rules('ALTER TABLE lint_acct ALTER COLUMN name TYPE varchar(10);') AS narrowing,
       pg_temp.rules('ALTER TABLE lint_acct ALTER COLUMN amount TYPE numeric(10,4);') AS scale_change,
       pg_temp.rules('ALTER TABLE lint_acct ALTER COLUMN name TYPE varchar(40), ALTER COLUMN amount TYPE numeric(14,2);') AS widenings,
       pg_temp.rules('ALTER TABLE lint_acct ALTER COLUMN name TYPE text, ALTER COLUMN code TYPE inet, ALTER COLUMN amount TYPE numeric;') AS safe_targets,
       pg_temp.rules('ALTER TABLE lint_acct ALTER COLUMN status TYPE varchar;') AS text_to_varchar;
-- volatile-default
SELECT pg_temp.rules('ALTER TABLE lint_acct ADD COLUMN u uuid DEFAULT gen_random_uuid();') AS flagged,
       pg_temp.rules('ALTER TABLE lint_acct ADD COLUMN n bigserial;') AS serial,
       pg_temp.rules('ALTER TABLE lint_acct ADD COLUMN g int GENERATED ALWAYS AS IDENTITY;') AS identity,
       pg_temp.rules('ALTER TABLE lint_acct ADD COLUMN c timestamptz DEFAULT now(), ADD COLUMN d int DEFAULT 0, ADD COLUMN e text;') AS stable_defaults;
-- set-not-null-scan
SELECT pg_temp.rules('ALTER TABLE lint_acct ALTER COLUMN name SET NOT NULL;') AS flagged,
       pg_temp.rules(E'ALTER TABLE lint_acct ADD CONSTRAINT nn CHECK (name IS NOT NULL) NOT VALID;\nALTER TABLE lint_acct VALIDATE CONSTRAINT nn;\nALTER TABLE lint_acct ALTER COLUMN name SET NOT NULL;') AS validated_first,
       pg_temp.rules(E'ALTER TABLE lint_acct ADD CONSTRAINT nn CHECK (name IS NOT NULL) NOT VALID;\nALTER TABLE lint_acct ALTER COLUMN name SET NOT NULL;') AS not_yet_validated;
ALTER TABLE lint_acct ADD CONSTRAINT status_nn CHECK (status IS NOT NULL);
SELECT pg_temp.rules('ALTER TABLE lint_acct ALTER COLUMN status SET NOT NULL;') AS catalog_has_check;
-- constraint-without-not-valid
SELECT pg_temp.rules('ALTER TABLE lint_acct ADD CONSTRAINT f FOREIGN KEY (id) REFERENCES lint_acct (id);') AS fk,
       pg_temp.rules('ALTER TABLE lint_acct ADD CONSTRAINT c CHECK (id > 0);') AS "check",
       pg_temp.rules(E'ALTER TABLE lint_acct ADD CONSTRAINT c CHECK (id > 0) NOT VALID;\nALTER TABLE lint_acct VALIDATE CONSTRAINT c;') AS not_valid,
       pg_temp.rules(E'CREATE TABLE t (id int);\nALTER TABLE t ADD CONSTRAINT c CHECK (id > 0);') AS new_table;
-- data-loss
SELECT pg_temp.rules('DROP TABLE lint_acct;') AS drop_table,
       pg_temp.rules('ALTER TABLE lint_acct DROP COLUMN name;') AS drop_column,
       pg_temp.rules('TRUNCATE lint_acct, other;') AS truncate,
       pg_temp.rules(E'CREATE TABLE t (id int);\nDROP TABLE t;') AS new_table;
-- rename-breaks-code
SELECT pg_temp.rules('ALTER TABLE lint_acct RENAME TO lint_account;') AS table_rename,
       pg_temp.rules('ALTER TABLE lint_acct RENAME COLUMN name TO full_name;') AS column_rename,
       pg_temp.rules(E'CREATE TABLE t (id int);\nALTER TABLE t RENAME COLUMN id TO key;') AS new_table;
-- enum-add-value-in-transaction
SELECT pg_temp.rules(E'ALTER TYPE lint_mood ADD VALUE ''sad'';\nUPDATE x SET m = ''sad'';') AS used_same_transaction,
       pg_temp.rules('ALTER TYPE lint_mood ADD VALUE ''sad'';') AS added_only,
       pg_temp.rules(E'ALTER TYPE lint_mood ADD VALUE ''sad'';\nUPDATE x SET m = ''sad'';', false) AS non_transactional;
-- missing-lock-timeout (lock_timeout_set => false here)
SELECT pg_temp.rules('ALTER TABLE lint_acct ADD COLUMN x int;', true, false) AS flagged,
       pg_temp.rules(E'SET LOCAL lock_timeout = ''2s'';\nALTER TABLE lint_acct ADD COLUMN x int;', true, false) AS set_first,
       pg_temp.rules(E'ALTER TABLE lint_acct ADD COLUMN x int;\nALTER TABLE lint_acct ADD COLUMN y int;', true, false) AS reported_once,
       pg_temp.rules(E'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN x int;', true, false) AS new_table;
-- vacuum-in-revision, transaction-control
SELECT pg_temp.rules('VACUUM lint_acct;') AS vacuum,
       pg_temp.rules('VACUUM (ANALYZE) lint_acct;') AS vacuum_analyze,
       pg_temp.rules('ANALYZE lint_acct;') AS analyze_alone,
       pg_temp.rules(E'BEGIN;\nSELECT 1;\nCOMMIT;') AS transaction_control;
-- Messages name the table and the safe alternative; lines count from the SQL given.
SELECT rule, severity, line, message FROM metamigrate.lint(E'-- comment\n\n  CREATE INDEX i\n  ON lint_acct (name);');
-- Unparsable SQL is one syntax-error finding at its line.
SELECT rule, severity, line FROM metamigrate.lint(E'SELECT 1;\nSELECT FROM WHERE (;');
-- The one-argument form is the contract's: transactional, no lock_timeout assumed.
SELECT count(*) FROM metamigrate.lint('ALTER TABLE lint_acct ADD COLUMN x int;');
DROP TABLE lint_acct;
DROP TYPE lint_mood;
