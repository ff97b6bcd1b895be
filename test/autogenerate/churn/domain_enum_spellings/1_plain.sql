CREATE TYPE color AS ENUM ('red', 'green');
CREATE DOMAIN percent AS numeric(5,2) CHECK (VALUE BETWEEN 0 AND 100);
CREATE TABLE paint (id int PRIMARY KEY, c color NOT NULL, p percent);
