-- metamigrate.diff(): the DDL between two models, both ways.
-- Models written by hand: an empty schema and one with a table.
CREATE TEMP TABLE model AS SELECT
  '{"format": "metamigrate.schema/1", "schemas": [{"name": "ag_diff", "comment": null}]}'::jsonb AS empty,
  '{"format": "metamigrate.schema/1", "schemas": [{"name": "ag_diff", "comment": null}],
    "tables": [{"schema": "ag_diff", "name": "t", "kind": "table", "unlogged": false, "partition_by": null,
                "partition_of": null, "partition_bound": null, "inherits": [], "options": [], "comment": "things",
                "columns": [{"name": "id", "type": "integer", "not_null": true, "default": null, "generated": null,
                             "identity": null, "collation": null, "comment": null},
                            {"name": "Label", "type": "text", "not_null": false, "default": "''x''::text",
                             "generated": null, "identity": null, "collation": null, "comment": null}],
                "constraints": [{"name": "t_pkey", "type": "primary key", "definition": "PRIMARY KEY (id)",
                                 "columns": ["id"], "references": null, "deferrable": false, "deferred": false,
                                 "validated": true, "comment": null}],
                "indexes": [], "triggers": []}]}'::jsonb AS one_table;
SELECT jsonb_pretty(metamigrate.diff(empty, one_table)) FROM model;
-- Identical models give empty arrays.
SELECT metamigrate.diff(one_table, one_table) FROM model;

-- From real snapshots: change a schema and diff the before and after.
CREATE SCHEMA ag_diff;
CREATE TYPE ag_diff.mood AS ENUM ('sad', 'ok');
CREATE TABLE ag_diff.parent (id int PRIMARY KEY, name varchar(20), m ag_diff.mood DEFAULT 'ok');
CREATE TABLE ag_diff.child (id int PRIMARY KEY, parent_id int REFERENCES ag_diff.parent, amount text);
CREATE VIEW ag_diff.amounts AS SELECT id, amount FROM ag_diff.child;
CREATE TEMP TABLE before AS SELECT metamigrate.snapshot('{ag_diff}') AS s;
ALTER TYPE ag_diff.mood ADD VALUE 'happy';
DROP VIEW ag_diff.amounts;
ALTER TABLE ag_diff.child ALTER COLUMN amount TYPE numeric USING amount::numeric;
CREATE VIEW ag_diff.amounts AS SELECT id, amount FROM ag_diff.child;
ALTER TABLE ag_diff.parent ALTER COLUMN name TYPE varchar(80), ADD COLUMN created timestamptz NOT NULL DEFAULT now();
CREATE INDEX parent_name ON ag_diff.parent (name);
CREATE TEMP TABLE after AS SELECT metamigrate.snapshot('{ag_diff}') AS s;
CREATE TEMP TABLE d AS SELECT metamigrate.diff(before.s, after.s) AS d FROM before, after;
SELECT n - 1 AS i, s AS upgrade FROM d, jsonb_array_elements_text(d -> 'upgrade') WITH ORDINALITY AS x(s, n);
SELECT n - 1 AS i, s AS downgrade FROM d, jsonb_array_elements_text(d -> 'downgrade') WITH ORDINALITY AS x(s, n);
SELECT d -> 'data_loss' AS data_loss, d -> 'downgrade_data_loss' AS downgrade_data_loss FROM d;
SELECT * FROM metamigrate.snapshot_differences((SELECT s FROM before), (SELECT s FROM after));

-- The downgrade really leads back: run it and compare.
DO $$
DECLARE stmt text;
BEGIN
  FOR stmt IN SELECT s FROM d, jsonb_array_elements_text(d -> 'downgrade') WITH ORDINALITY AS x(s, n) ORDER BY n LOOP
    EXECUTE stmt;
  END LOOP;
END $$;
SELECT metamigrate.snapshot('{ag_diff}')::text = (SELECT s::text FROM before) AS back_to_before;
SELECT metamigrate.diff(metamigrate.snapshot('{ag_diff}'), (SELECT s FROM before)) AS check_clean;

-- Bad models.
SELECT metamigrate.diff('{}', '{}');
SELECT metamigrate.diff('{"format": "metamigrate.schema/1", "tables": [{"name": "t"}]}', '{"format": "metamigrate.schema/1"}');
SELECT metamigrate.diff('{"format": "metamigrate.schema/1", "tables": 3}', '{"format": "metamigrate.schema/1"}');
SELECT metamigrate.diff('[]', '{"format": "metamigrate.schema/1"}');
SELECT metamigrate.diff(NULL, '{}') IS NULL AS strict;

DROP SCHEMA ag_diff CASCADE;
