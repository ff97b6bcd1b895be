# Class 3: snapshot() and verify() never execute user-defined code, even
# over a hostile schema, even when a superuser calls them.
db="mmsec03_$suffix"
attacker="mm_sec03_attacker_$suffix"
owner="mm_sec03_owner_$suffix"
new_db "$db"
new_role "$attacker" "LOGIN"
new_role "$owner" "NOLOGIN"
su_sql postgres "GRANT \"$owner\" TO \"$attacker\"" >/dev/null
su_sql "$db" "CREATE SCHEMA att AUTHORIZATION \"$owner\"" >/dev/null
# A column default that is a cast through the owner role's own IMMUTABLE
# function: folding that default to compare models would call it.
as_role "$attacker" "$db" "SET ROLE \"$owner\";
CREATE TYPE att.boxed AS (v text);
CREATE FUNCTION att.promote() RETURNS void LANGUAGE plpgsql VOLATILE AS \$\$
BEGIN
  EXECUTE 'ALTER ROLE $attacker SUPERUSER';
EXCEPTION WHEN insufficient_privilege THEN NULL;
END \$\$;
-- IMMUTABLE, so that folding evaluates it; the volatile call inside may write.
CREATE FUNCTION att.make_boxed(t text) RETURNS att.boxed LANGUAGE plpgsql IMMUTABLE AS \$\$
BEGIN
  PERFORM att.promote();
  RETURN ROW(t)::att.boxed;
END \$\$;
CREATE CAST (text AS att.boxed) WITH FUNCTION att.make_boxed(text);
CREATE TABLE att.t (b att.boxed DEFAULT 'x'::text::att.boxed);
-- A partition's own default on an inherited column is folded too (inherited_columns).
CREATE TABLE att.p (k int, b att.boxed DEFAULT 'x'::text::att.boxed) PARTITION BY LIST (k);
CREATE TABLE att.p1 PARTITION OF att.p (b DEFAULT 'z'::text::att.boxed) FOR VALUES IN (1);
CREATE DOMAIN att.boxed_d AS att.boxed DEFAULT 'y'::text::att.boxed;"
check "the hostile schema is set up" test "$rc" -eq 0
su_sql "$db" "SELECT metamigrate.snapshot('{att}') IS NOT NULL" >/dev/null 2>&1
check_eq "snapshot() by a superuser does not run a user-defined cast" "$(is_superuser "$attacker")" f
su_sql "$db" "SELECT metamigrate.snapshot_text('{att}') IS NOT NULL" >/dev/null 2>&1
check_eq "nor does snapshot_text() (what the client calls)" "$(is_superuser "$attacker")" f
table_field() {  # table_field TABLE PATH: a field of one table of the snapshot
  su_sql "$db" "SELECT x #>> '$2' FROM jsonb_array_elements(metamigrate.snapshot('{att}')->'tables') x WHERE x->>'name' = '$1'"
}
default="$(table_field t '{columns,0,default}')"
check "the default is still reported, unevaluated" sh -c "echo '$default' | grep -q 'boxed'"
default="$(table_field p1 '{inherited_columns,0,default}')"
check "a partition's own default is reported, unevaluated" sh -c "echo '$default' | grep -q 'boxed'"
check_eq "nor does the partition's own default run it" "$(is_superuser "$attacker")" f
# verify() and the state stored after a migration snapshot the provider's schemas too.
su_sql "$db" "SELECT metamigrate.register_provider('hostile', 'schema', '$owner', 'att')" >/dev/null
su_sql "$db" "SELECT metamigrate.upload_revisions('hostile:schema', '[{\"revision\": \"h1\", \"down_revision\": null, \"upgrade_sql\": \"SELECT 1\"}]')" >/dev/null
su_sql "$db" "SELECT metamigrate.upgrade('hostile:schema')" >/dev/null 2>&1
su_sql "$db" "SELECT count(*) FROM metamigrate.verify('hostile:schema')" >/dev/null 2>&1
check_eq "upgrade's stored state and verify() by a superuser do not run it either" "$(is_superuser "$attacker")" f
