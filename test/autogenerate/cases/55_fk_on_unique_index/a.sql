CREATE TABLE code (id int PRIMARY KEY, key text NOT NULL);
CREATE UNIQUE INDEX code_key ON code (key);
CREATE TABLE use (id int PRIMARY KEY, code_key text REFERENCES code (key));
