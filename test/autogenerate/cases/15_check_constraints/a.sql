CREATE TABLE product (id int PRIMARY KEY, price numeric CHECK (price >= 0), qty int, CONSTRAINT qty_small CHECK (qty < 100));
