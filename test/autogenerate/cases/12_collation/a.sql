CREATE TABLE word (id int PRIMARY KEY, spelling text, sort_key varchar(40) COLLATE "C");
INSERT INTO word VALUES (1, 'b', 'a');
