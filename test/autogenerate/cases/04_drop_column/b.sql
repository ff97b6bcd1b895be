CREATE TABLE item (id int PRIMARY KEY, name text);
