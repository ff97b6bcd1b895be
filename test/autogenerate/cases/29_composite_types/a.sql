CREATE TYPE point3 AS (x float8, y float8);
CREATE TABLE shape (id int PRIMARY KEY, origin point3);
