-- A rename is not guessed: drop surname (data loss), add family_name.
CREATE TABLE person (id int PRIMARY KEY, family_name text NOT NULL DEFAULT '');
CREATE INDEX person_surname ON person (family_name);
