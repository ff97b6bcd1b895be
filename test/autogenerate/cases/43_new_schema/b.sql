CREATE TABLE core (id int PRIMARY KEY);
CREATE SCHEMA app;
COMMENT ON SCHEMA app IS 'application objects';
CREATE TYPE app.kind AS ENUM ('a', 'b');
CREATE TABLE app.thing (id int PRIMARY KEY, core_id int REFERENCES public.core, kind app.kind);
CREATE VIEW app.things AS SELECT t.id, c.id AS core FROM app.thing t JOIN core c ON c.id = t.core_id;
