# The client reads version tables itself, as the caller: `current` (its
# fast path, which loads no library in the server), `upgrade --sql` and
# `check`. A member of the owner role controls that table; code it plants
# there (an expression index, a partial index, a statistics expression, a
# CHECK constraint, a row-level policy) must never run with the caller's
# rights, a superuser's least of all.
owner="mm_sec13_owner_$suffix"
member="mm_sec13_member_$suffix"
reader="mm_sec13_reader_$suffix"
db="mmsec13_$suffix"
new_role "$owner" "NOLOGIN"
new_role "$member" "LOGIN"
new_role "$reader" "LOGIN"
su_sql postgres "GRANT \"$owner\" TO \"$member\"" >/dev/null
new_db "$db"
su_sql "$db" "GRANT CREATE ON SCHEMA public TO \"$owner\"" >/dev/null
scaffold_provider sec13 "$owner" || return
mkdir -p migrations/schema
echo "CREATE TABLE sec13_t (id int);" >migrations/schema/tables.sql
run --dsn "dbname=$db" -q upgrade
check "the provider is migrated (exit $rc)" test "$rc" -eq 0
vt="public.sec13_alembic_version"

# The planted code counts every run as anyone but the owner role. The
# owner role owns the table and may run its own code; the extension reads
# the table as that role.
as_role "$member" "$db" "
CREATE SEQUENCE public.sec13_ran;
GRANT USAGE ON SEQUENCE public.sec13_ran TO PUBLIC;
CREATE FUNCTION public.sec13_hostile(v text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS \$f\$
BEGIN
  IF current_user <> '$owner' THEN PERFORM pg_catalog.nextval('public.sec13_ran'); END IF;
  RETURN true;
END \$f\$;
ALTER FUNCTION public.sec13_hostile(text) OWNER TO \"$owner\";
ALTER SEQUENCE public.sec13_ran OWNER TO \"$owner\";
SET ROLE \"$owner\";
CREATE INDEX sec13_expr ON $vt (public.sec13_hostile(version_num || public.sec13_hostile('k')::text));
CREATE INDEX sec13_part ON $vt (version_num) WHERE public.sec13_hostile('p');
CREATE STATISTICS sec13_stats ON (public.sec13_hostile(version_num)), (version_num || 'x') FROM $vt;
ALTER TABLE $vt ADD CONSTRAINT sec13_check CHECK (public.sec13_hostile(version_num));
ALTER TABLE $vt ENABLE ROW LEVEL SECURITY;
CREATE POLICY sec13_policy ON $vt USING (public.sec13_hostile('r'));
GRANT SELECT ON $vt TO \"$reader\";"
check "the member of the owner role plants code on the version table (exit $rc)" test "$rc" -eq 0
ran() { su_sql "$db" "SELECT last_value - 1 + is_called::int FROM public.sec13_ran"; }

# The control: a plain SELECT by the superuser runs the planted code.
su_sql "$db" "SELECT version_num FROM $vt" >/dev/null
check "a plain SELECT of the table runs the planted code (the plants work)" test "$(ran)" -gt 0
before="$(ran)"

run --dsn "dbname=$db" current
check "current as the superuser shows the head (exit $rc)" sh -c "[ $rc -eq 0 ] && grep -q '^t1 (head)' '$WORK/out'"
check_eq "and ran none of the planted code" "$(ran)" "$before"
run --dsn "dbname=$db" current --json
check "current --json as the superuser shows the head (exit $rc)" sh -c "[ $rc -eq 0 ] && grep -q '\"t1\"' '$WORK/out'"
check_eq "and ran none of the planted code" "$(ran)" "$before"
run --dsn "dbname=$db" upgrade --sql head
check "upgrade --sql as the superuser reads the version table (exit $rc)" sh -c "[ $rc -eq 0 ] && grep -q 't1' '$WORK/out'"
check_eq "and ran none of the planted code" "$(ran)" "$before"
run --dsn "dbname=$db" check
check "check as the superuser reports the planted objects as drift (exit $rc)" \
  sh -c "[ $rc -eq 1 ] && grep -q 'sec13_hostile.*only in the database' '$WORK/out'"
check_eq "and ran none of the planted code" "$(ran)" "$before"

# A login the policy applies to: row_security = off makes it an error for
# the client's own read, and current falls back to the extension's read.
run --dsn "host=$PGHOST port=$PGPORT user=$reader dbname=$db" current
check "current as a login the policy applies to shows the head (exit $rc)" \
  sh -c "[ $rc -eq 0 ] && grep -q '^t1 (head)' '$WORK/out'"
check_eq "and ran none of the planted code" "$(ran)" "$before"
run --dsn "host=$PGHOST port=$PGPORT user=$reader dbname=$db" upgrade --sql head
check "upgrade --sql as that login refuses to read under the policy" \
  sh -c "[ $rc -ne 0 ] && grep -q 'row-level security' '$WORK/err'"
check_eq "and ran none of the planted code" "$(ran)" "$before"
cd "$WORK" || return
