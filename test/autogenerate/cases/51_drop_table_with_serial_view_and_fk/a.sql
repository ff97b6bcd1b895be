CREATE TABLE author (id serial PRIMARY KEY, name text);
CREATE TABLE book (id serial PRIMARY KEY, author_id int REFERENCES author, title text);
CREATE VIEW author_names AS SELECT name FROM author;
INSERT INTO author (name) VALUES ('x');
