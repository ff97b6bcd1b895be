-- Keys and indexes of partitioned tables, where partitions already have matching ones.
CREATE TABLE sale (id bigint NOT NULL, sold date NOT NULL, shop int, amount numeric, PRIMARY KEY (id, sold)) PARTITION BY RANGE (sold);
CREATE TABLE sale_2024 PARTITION OF sale FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE sale_2025 PARTITION OF sale FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX sale_shop ON sale (shop);
CREATE UNIQUE INDEX sale_shop_id ON sale (shop, id, sold);
CREATE TABLE shop (id int PRIMARY KEY, name text);
CREATE TABLE refund (id int PRIMARY KEY, sale_id bigint, sold date, FOREIGN KEY (sale_id, sold) REFERENCES sale (id, sold));
CREATE TABLE visit (id int NOT NULL, day date NOT NULL) PARTITION BY RANGE (day);
CREATE TABLE visit_2025 PARTITION OF visit FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE visit_2025 ADD PRIMARY KEY (id, day);
CREATE TABLE ticket (id int NOT NULL, opened date NOT NULL, code text NOT NULL, PRIMARY KEY (id, opened), UNIQUE (code, opened)) PARTITION BY RANGE (opened);
CREATE TABLE ticket_2025 PARTITION OF ticket FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE ticket_2026 PARTITION OF ticket FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
