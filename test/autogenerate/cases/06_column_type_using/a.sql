CREATE TABLE reading (id int PRIMARY KEY, value text, enabled int, code text);
INSERT INTO reading VALUES (1, '42', 1, '7');
