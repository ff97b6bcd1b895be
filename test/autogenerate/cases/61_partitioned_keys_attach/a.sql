-- Keys and indexes of partitioned tables, where partitions already have matching ones.
CREATE TABLE sale (id bigint NOT NULL, sold date NOT NULL, shop int, amount numeric) PARTITION BY RANGE (sold);
CREATE TABLE sale_2024 PARTITION OF sale FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE sale_2025 PARTITION OF sale FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE sale_2024 ADD CONSTRAINT sale_2024_pkey PRIMARY KEY (id, sold);
ALTER TABLE sale_2025 ADD CONSTRAINT sale_2025_pkey PRIMARY KEY (id, sold);
CREATE INDEX sale_2024_shop ON sale_2024 (shop);
CREATE INDEX sale_2025_shop ON sale_2025 (shop);
CREATE UNIQUE INDEX sale_2025_shop_id ON sale_2025 (shop, id, sold);
CREATE TABLE shop (id int PRIMARY KEY, name text);
CREATE TABLE refund (id int PRIMARY KEY, sale_id bigint, sold date, FOREIGN KEY (sale_id, sold) REFERENCES sale_2024 (id, sold));
CREATE TABLE visit (id int NOT NULL, day date NOT NULL) PARTITION BY RANGE (day);
CREATE TABLE visit_2025 PARTITION OF visit FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE ticket (id int NOT NULL, opened date NOT NULL, code text NOT NULL) PARTITION BY RANGE (opened);
CREATE TABLE ticket_2025 PARTITION OF ticket FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE ticket_2026 PARTITION OF ticket FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE UNIQUE INDEX ticket_2025_by_id ON ticket_2025 (id, opened);
ALTER TABLE ticket_2026 ADD CONSTRAINT ticket_2026_code_key UNIQUE (code, opened);
ALTER TABLE ticket_2025 ADD CONSTRAINT ticket_2025_code_unique UNIQUE (code, opened);
