-- A regular table cannot become partitioned in place: it is recreated
-- (marked as data loss).
CREATE TABLE metric (id bigint NOT NULL, at date NOT NULL, v numeric) PARTITION BY RANGE (at);
CREATE TABLE metric_all PARTITION OF metric DEFAULT;
CREATE INDEX metric_at ON metric (at);
