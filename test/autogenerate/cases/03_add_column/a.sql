CREATE TABLE item (id int PRIMARY KEY, name text);
INSERT INTO item VALUES (1, 'a'), (2, 'b');
