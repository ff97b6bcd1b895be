CREATE TABLE person (id int PRIMARY KEY, surname text NOT NULL DEFAULT '');
CREATE INDEX person_surname ON person (surname);
