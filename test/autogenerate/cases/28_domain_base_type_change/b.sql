-- A new base type cannot be altered in place: the domain is replaced.
CREATE DOMAIN money_amount AS numeric(14,4) CHECK (VALUE >= 0);
CREATE TABLE invoice (id int PRIMARY KEY, total money_amount NOT NULL);
