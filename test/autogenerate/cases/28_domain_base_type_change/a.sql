CREATE DOMAIN money_amount AS numeric(10,2) CHECK (VALUE >= 0);
CREATE TABLE invoice (id int PRIMARY KEY, total money_amount NOT NULL);
INSERT INTO invoice VALUES (1, 12.50);
