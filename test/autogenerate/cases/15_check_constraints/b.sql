CREATE TABLE product (id int PRIMARY KEY, price numeric CHECK (price > 0), qty int,
                      CONSTRAINT qty_small CHECK (qty < 1000), CONSTRAINT kind_ok CHECK (id <> 0) NO INHERIT);
