-- Row-level security: flags on plain and partitioned tables, policies.
CREATE TABLE account (id int PRIMARY KEY, owner name NOT NULL, balance numeric);
CREATE TABLE note (id int PRIMARY KEY, author name, body text);
ALTER TABLE note ENABLE ROW LEVEL SECURITY;
CREATE POLICY note_own ON note USING (author = current_user);
CREATE POLICY note_insert ON note FOR INSERT WITH CHECK (author = current_user);
CREATE TABLE event (id int, at date NOT NULL, kind text) PARTITION BY RANGE (at);
CREATE TABLE event_2025 PARTITION OF event FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
