CREATE EXTENSION citext;
CREATE TABLE login (id int PRIMARY KEY, username citext NOT NULL UNIQUE);
