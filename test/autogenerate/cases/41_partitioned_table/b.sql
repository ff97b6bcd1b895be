CREATE TABLE measurement (id bigint NOT NULL, taken date NOT NULL, value numeric, PRIMARY KEY (id, taken)) PARTITION BY RANGE (taken);
CREATE TABLE measurement_2024 PARTITION OF measurement FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE measurement_2025 PARTITION OF measurement FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE measurement_other PARTITION OF measurement DEFAULT;
CREATE INDEX measurement_value ON measurement (value);
CREATE TABLE by_list (region text NOT NULL, n int) PARTITION BY LIST (region);
CREATE TABLE by_list_eu PARTITION OF by_list FOR VALUES IN ('de', 'fr') PARTITION BY HASH (n);
CREATE TABLE by_list_eu_0 PARTITION OF by_list_eu FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE by_list_eu_1 PARTITION OF by_list_eu FOR VALUES WITH (MODULUS 2, REMAINDER 1);
