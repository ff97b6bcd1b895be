-- The parent's defaults and NOT NULL change; children keep, gain or lose their own.
CREATE TABLE reading (id int NOT NULL, site int, sensor int, value numeric DEFAULT 1, unit text DEFAULT 'K',
                      taken date NOT NULL) PARTITION BY RANGE (taken);
CREATE TABLE reading_2024 PARTITION OF reading (value DEFAULT 5) FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE reading_2025 PARTITION OF reading (unit DEFAULT 'F', site NOT NULL) FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE reading_2026 PARTITION OF reading FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
ALTER TABLE ONLY reading_2026 ALTER COLUMN unit DROP DEFAULT;
CREATE TABLE reading_2027 PARTITION OF reading (sensor NOT NULL, value DEFAULT 7) FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
CREATE TABLE item (id int, kind text DEFAULT 'thing', price numeric);
CREATE TABLE book (isbn text) INHERITS (item);
ALTER TABLE ONLY book ALTER COLUMN kind SET DEFAULT 'book';
CREATE TABLE film (minutes int) INHERITS (item);
ALTER TABLE ONLY film ALTER COLUMN kind SET DEFAULT 'film';
CREATE TABLE toy (kind text DEFAULT 'toy', age int) INHERITS (item);
CREATE TABLE game (players int) INHERITS (item);
ALTER TABLE ONLY game ALTER COLUMN kind DROP DEFAULT;
ALTER TABLE ONLY game ALTER COLUMN price SET NOT NULL;
