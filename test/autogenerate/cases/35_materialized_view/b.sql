CREATE TABLE sale (id int PRIMARY KEY, region text, amount numeric);
CREATE MATERIALIZED VIEW region_totals AS SELECT region, sum(amount) AS total, count(*) AS n FROM sale GROUP BY region;
CREATE UNIQUE INDEX region_totals_region ON region_totals (region);
