CREATE TABLE login (id int PRIMARY KEY, username text NOT NULL);
