CREATE TABLE sale (id int PRIMARY KEY, region text, amount numeric);
CREATE MATERIALIZED VIEW region_totals AS SELECT region, sum(amount) AS total FROM sale GROUP BY region;
