CREATE TABLE sale (id int PRIMARY KEY, amount numeric, region text);
CREATE VIEW big_sale AS SELECT id, amount FROM sale WHERE amount > 100;
