CREATE TABLE person (id int PRIMARY KEY, name text, nickname text NOT NULL);
INSERT INTO person VALUES (1, 'Ann', 'A');
