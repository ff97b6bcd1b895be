CREATE TABLE sale (id int PRIMARY KEY, amount numeric, region text);
CREATE VIEW big_sale AS SELECT id, amount, region FROM sale WHERE amount > 1000;
CREATE VIEW by_region WITH (security_barrier = true) AS SELECT region, sum(amount) AS total FROM sale GROUP BY region;
CREATE VIEW checked AS SELECT * FROM sale WHERE amount > 0 WITH LOCAL CHECK OPTION;
