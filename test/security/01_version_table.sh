# Class 1: version tables are read and written only as the provider's owner
# role, and only when they are plain tables that role owns.
db="mmsec01_$suffix"
attacker="mm_sec01_attacker_$suffix"
victim="mm_sec01_victim_$suffix"
a_owner="mm_sec01_aowner_$suffix"
b_owner="mm_sec01_bowner_$suffix"
new_db "$db"
new_role "$attacker" "LOGIN"
new_role "$victim" "LOGIN PASSWORD 'victim-secret'"
new_role "$a_owner" "NOLOGIN"
new_role "$b_owner" "NOLOGIN"
su_sql postgres "GRANT \"$a_owner\" TO \"$attacker\"" >/dev/null
su_sql "$db" "GRANT CREATE ON SCHEMA public TO \"$a_owner\", \"$b_owner\"" >/dev/null

# A system catalog as the version table: read as the superuser, current()
# would hand out every role's password hash.
as_role "$attacker" "$db" "SELECT metamigrate.register_provider('sys', 'cat', '$attacker', 'pg_catalog', 'pg_authid', 'rolpassword')"
check "a system catalog cannot be registered as a version table" test "$rc" -ne 0
as_role "$attacker" "$db" "SELECT metamigrate.current('sys:cat')"
check "current() never reads pg_authid for a login with no grants" sh -c "! grep -q SCRAM '$WORK/out'"

# A temporary view whose function runs ALTER ROLE: reading the "version
# table" as the extension owner would make the attacker a superuser.
as_role "$attacker" "$db" "
CREATE FUNCTION pg_temp.promote() RETURNS varchar LANGUAGE sql AS \$\$ ALTER ROLE \"$attacker\" SUPERUSER; SELECT 'x'::varchar \$\$;
CREATE TEMP VIEW version_view AS SELECT pg_temp.promote() AS version_num;
SELECT metamigrate.register_provider('tmp', 'view', '$attacker', pg_my_temp_schema()::regnamespace::text, 'version_view');
SELECT metamigrate.current('tmp:view');"
check_eq "a temporary view as version table does not run its function as superuser" "$(is_superuser "$attacker")" f
check "registering a temporary view as version table is refused" err_has "temporary schema"

# Another owner role's table: a member of a_owner registers b_owner's
# (not yet registered) version table as its own and stamps it.
su_sql "$db" "SET ROLE \"$b_owner\"; CREATE TABLE public.b_version (version_num varchar(32) NOT NULL PRIMARY KEY); INSERT INTO public.b_version VALUES ('b1')" >/dev/null
as_role "$attacker" "$db" "SELECT metamigrate.register_provider('steal', 'b', '$a_owner', 'public', 'b_version')"
check "another owner role's table cannot be registered as a version table" test "$rc" -ne 0
check "the refusal names the table's owner" err_has "owned by role \"$b_owner\""
check_eq "b's version table is unchanged" "$(su_sql "$db" "SELECT string_agg(version_num, ',') FROM public.b_version")" b1

# A trigger on the attacker's own version table: fired by the superuser's
# upgrade, it must run with the owner role's rights, never the superuser's.
su_sql "$db" "SELECT metamigrate.register_provider('own', 'trig', '$a_owner', 'public', 'own_version')" >/dev/null
su_sql "$db" "SELECT metamigrate.upload_revisions('own:trig', '[{\"revision\": \"r1\", \"down_revision\": null, \"upgrade_sql\": \"SELECT 1\"}]')" >/dev/null
as_role "$attacker" "$db" "SET ROLE \"$a_owner\";
CREATE TABLE public.own_version (version_num varchar(32) NOT NULL, CONSTRAINT own_version_pkc PRIMARY KEY (version_num));
CREATE FUNCTION public.promote_on_insert() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN
  BEGIN EXECUTE 'ALTER ROLE \"$attacker\" SUPERUSER'; EXCEPTION WHEN insufficient_privilege THEN NULL; END;
  RETURN NEW;
END \$\$;
CREATE TRIGGER promote BEFORE INSERT ON public.own_version FOR EACH ROW EXECUTE FUNCTION public.promote_on_insert();"
su_sql "$db" "SELECT metamigrate.upgrade('own:trig')" >/dev/null 2>&1
check_eq "a version-table trigger fired by a superuser's upgrade does not run as superuser" "$(is_superuser "$attacker")" f
check_eq "the upgrade itself went through as the owner role" "$(su_sql "$db" "SELECT string_agg(version_num, ',') FROM public.own_version")" r1
