-- Removing a label replaces the enum, hence the domain over it, and
-- converts both columns. (The checks do not use 'blue': PostgreSQL 15 refuses
-- a label in the transaction that added it, which the downgrade does.)
CREATE TYPE color AS ENUM ('red', 'green');
CREATE DOMAIN warm_color AS color CHECK (VALUE <> 'green');
CREATE TABLE paint (id int PRIMARY KEY, c warm_color, raw color[]);
