-- Partitions' and inheritance children's own defaults and NOT NULL on columns they inherit.
CREATE TABLE reading (id int NOT NULL, site int NOT NULL, sensor int, value numeric DEFAULT 0, unit text DEFAULT 'C',
                      taken date NOT NULL) PARTITION BY RANGE (taken);
CREATE TABLE reading_2024 PARTITION OF reading FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE reading_2025 PARTITION OF reading (unit DEFAULT 'F') FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE reading_2026 PARTITION OF reading (sensor NOT NULL) FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE item (id int, kind text DEFAULT 'item', price numeric);
CREATE TABLE book (isbn text) INHERITS (item);
CREATE TABLE film (minutes int) INHERITS (item);
ALTER TABLE ONLY film ALTER COLUMN kind SET DEFAULT 'film';
CREATE TABLE toy (kind text DEFAULT 'toy', age int) INHERITS (item);
