-- Policies that reference columns: dropped with them, re-created on new ones.
CREATE TABLE doc (id int PRIMARY KEY, level int, owner_id oid);
ALTER TABLE doc ENABLE ROW LEVEL SECURITY;
CREATE POLICY doc_owner ON doc USING (owner_id = (SELECT oid FROM pg_roles WHERE rolname = current_user));
CREATE FUNCTION may_see(level int, cap int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT level < cap';
CREATE POLICY doc_level ON doc FOR SELECT USING (may_see(level, 4));
