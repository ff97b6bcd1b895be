CREATE TYPE point3 AS (x float8, y float8, z float8);
CREATE TYPE label_pair AS (lang text COLLATE "C", value text);
CREATE TABLE shape (id int PRIMARY KEY, origin point3, name label_pair);
