-- amount changes type: the view that reads it is dropped and recreated
-- around the ALTER; the view that does not is left alone.
CREATE TABLE sale (id int PRIMARY KEY, amount numeric(12,2), note varchar(10));
CREATE VIEW sale_amounts AS SELECT id, amount, note FROM sale;
CREATE VIEW sale_ids AS SELECT id FROM sale;
