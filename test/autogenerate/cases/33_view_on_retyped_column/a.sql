CREATE TABLE sale (id int PRIMARY KEY, amount int, note varchar(10));
CREATE VIEW sale_amounts AS SELECT id, amount, note FROM sale;
CREATE VIEW sale_ids AS SELECT id FROM sale;
INSERT INTO sale VALUES (1, 10, 'n');
