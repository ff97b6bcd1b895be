CREATE TYPE level AS ENUM ('low', 'mid', 'high', 'unused');
CREATE TABLE task (id int PRIMARY KEY, prio level DEFAULT 'mid', CONSTRAINT not_high CHECK (prio <> 'high'));
CREATE VIEW urgent AS SELECT id FROM task WHERE prio = 'mid';
CREATE FUNCTION is_low(l level) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT l = 'low' $$;
INSERT INTO task VALUES (1, 'low'), (2, 'mid');
