CREATE TABLE customer (id int PRIMARY KEY, code text UNIQUE);
CREATE TABLE orders (id int PRIMARY KEY,
    customer_id int REFERENCES customer ON DELETE CASCADE ON UPDATE RESTRICT,
    customer_code text REFERENCES customer (code) MATCH FULL ON DELETE SET NULL);
