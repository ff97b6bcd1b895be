CREATE TABLE person (id int PRIMARY KEY, name text NOT NULL, nickname text);
