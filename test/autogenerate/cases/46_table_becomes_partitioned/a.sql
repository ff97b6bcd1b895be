CREATE TABLE metric (id bigint NOT NULL, at date NOT NULL, v numeric);
CREATE INDEX metric_at ON metric (at);
