-- The same end state reached through ALTERs.
CREATE TYPE color AS ENUM ('green');
ALTER TYPE color ADD VALUE 'red' BEFORE 'green';
CREATE DOMAIN percent AS decimal(5,2);
ALTER DOMAIN percent ADD CONSTRAINT percent_check CHECK (VALUE >= 0 AND VALUE <= 100);
CREATE TABLE paint (id int, c color, p percent);
ALTER TABLE paint ADD PRIMARY KEY (id), ALTER COLUMN c SET NOT NULL;
