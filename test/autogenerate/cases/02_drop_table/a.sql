CREATE TABLE keep_me (id int PRIMARY KEY);
CREATE TABLE drop_me (id int PRIMARY KEY, note text NOT NULL DEFAULT '');
INSERT INTO drop_me VALUES (1, 'x');
