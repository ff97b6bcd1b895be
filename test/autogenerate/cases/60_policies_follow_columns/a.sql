-- Policies that reference columns: dropped with them, re-created on new ones.
CREATE TABLE doc (id int PRIMARY KEY, owner_name text, team int, level int);
ALTER TABLE doc ENABLE ROW LEVEL SECURITY;
CREATE POLICY doc_owner ON doc USING (owner_name = current_user);
CREATE POLICY doc_team ON doc FOR SELECT USING (team > 0 AND level < 5);
CREATE FUNCTION may_see(level int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT level < 3';
CREATE POLICY doc_level ON doc FOR SELECT USING (may_see(level));
