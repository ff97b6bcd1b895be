-- The parent gets the same index and key: PostgreSQL attaches the
-- partitions' own, which keep their names.
CREATE TABLE reading (sensor int NOT NULL, at timestamptz NOT NULL, value numeric) PARTITION BY RANGE (at);
CREATE TABLE reading_q1 PARTITION OF reading FOR VALUES FROM ('2026-01-01') TO ('2026-04-01');
CREATE TABLE reading_q2 PARTITION OF reading FOR VALUES FROM ('2026-04-01') TO ('2026-07-01');
CREATE INDEX q1_by_sensor ON reading_q1 (sensor, at);
CREATE INDEX q2_by_sensor ON reading_q2 (sensor, at);
ALTER TABLE reading_q1 ADD CONSTRAINT q1_key PRIMARY KEY (sensor, at);
ALTER TABLE reading_q2 ADD CONSTRAINT q2_key PRIMARY KEY (sensor, at);
CREATE INDEX reading_by_sensor ON reading (sensor, at);
ALTER TABLE reading ADD CONSTRAINT reading_pkey PRIMARY KEY (sensor, at);
CREATE TABLE alarm (id int NOT NULL, raised date NOT NULL) PARTITION BY RANGE (raised);
CREATE TABLE alarm_2026 PARTITION OF alarm FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX alarm_by_id ON alarm (id);
ALTER INDEX alarm_2026_id_idx RENAME TO alarm_2026_by_id;
