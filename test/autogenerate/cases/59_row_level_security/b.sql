-- Row-level security: flags on plain and partitioned tables, policies.
CREATE TABLE account (id int PRIMARY KEY, owner name NOT NULL, balance numeric);
ALTER TABLE account ENABLE ROW LEVEL SECURITY;
ALTER TABLE account FORCE ROW LEVEL SECURITY;
CREATE POLICY account_owner ON account AS RESTRICTIVE FOR SELECT TO pg_read_all_data, pg_monitor USING (owner = current_user);
CREATE POLICY account_update ON account FOR UPDATE USING (owner = current_user) WITH CHECK (balance >= 0);
CREATE TABLE note (id int PRIMARY KEY, author name, body text);
CREATE POLICY note_own ON note USING (author = current_user);
CREATE POLICY note_insert ON note FOR INSERT WITH CHECK (author = current_user AND body IS NOT NULL);
CREATE TABLE event (id int, at date NOT NULL, kind text) PARTITION BY RANGE (at);
ALTER TABLE event ENABLE ROW LEVEL SECURITY;
CREATE POLICY event_kind ON event USING (kind <> 'secret');
CREATE TABLE event_2025 PARTITION OF event FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE event_2025 ENABLE ROW LEVEL SECURITY;
CREATE TABLE audit (id int PRIMARY KEY, actor name DEFAULT current_user);
ALTER TABLE audit ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_actor ON audit FOR ALL TO pg_read_all_stats USING (actor = current_user) WITH CHECK (actor = current_user);
