-- event_q1's bound changes (detach and attach, data kept), event_old goes,
-- event_q2 is new, and the parent gets an index.
CREATE TABLE event (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE event_q1 PARTITION OF event FOR VALUES FROM ('2024-01-01') TO ('2024-07-01');
CREATE TABLE event_q2 PARTITION OF event FOR VALUES FROM ('2024-07-01') TO ('2025-01-01');
CREATE INDEX event_at ON event (at);
