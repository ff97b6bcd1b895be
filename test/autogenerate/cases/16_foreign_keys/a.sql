CREATE TABLE customer (id int PRIMARY KEY, code text UNIQUE);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customer, customer_code text);
