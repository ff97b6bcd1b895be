CREATE TABLE event (id serial PRIMARY KEY, name text);
INSERT INTO event (name) VALUES ('x');
