CREATE TYPE color AS ENUM ('red', 'green', 'blue');
CREATE DOMAIN warm_color AS color CHECK (VALUE <> 'green');
CREATE TABLE paint (id int PRIMARY KEY, c warm_color, raw color[]);
INSERT INTO paint VALUES (1, 'red', '{red,green}');
