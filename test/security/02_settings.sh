# Class 2: settings made by revision SQL end with the revision: they reach
# neither the extension's own later statements nor the caller's session.
db="mmsec02_$suffix"
attacker="mm_sec02_attacker_$suffix"
owner="mm_sec02_owner_$suffix"
new_db "$db"
new_role "$attacker" "LOGIN"
new_role "$owner" "NOLOGIN"
su_sql postgres "GRANT \"$owner\" TO \"$attacker\"" >/dev/null
su_sql "$db" "CREATE SCHEMA att AUTHORIZATION \"$owner\"; GRANT CREATE ON SCHEMA public TO \"$owner\"" >/dev/null
su_sql "$db" "SELECT metamigrate.register_provider('plant', 'op', '$owner')" >/dev/null
# r1 plants text = text in its own schema and puts that schema first; the
# extension's next lookups (load the SQL of r2, delete r1's version row)
# compare text with = as whoever called upgrade.
as_role "$attacker" "$db" "SELECT metamigrate.upload_revisions('plant:op', \$json\$[
 {\"revision\": \"r1\", \"down_revision\": null, \"upgrade_sql\":
  \"CREATE FUNCTION att.texteq(a text, b text) RETURNS boolean LANGUAGE plpgsql AS \$f\$ BEGIN BEGIN EXECUTE 'ALTER ROLE $attacker SUPERUSER'; EXCEPTION WHEN insufficient_privilege THEN NULL; END; RETURN a OPERATOR(pg_catalog.=) b; END \$f\$;\\nCREATE OPERATOR att.= (LEFTARG = text, RIGHTARG = text, FUNCTION = att.texteq);\\nSET search_path = att, pg_catalog;\\nSET work_mem = '7MB';\\nSET statement_timeout = '1234s';\"},
 {\"revision\": \"r2\", \"down_revision\": \"r1\", \"upgrade_sql\": \"SELECT 1\"}]\$json\$)"
check "the planting revisions upload" test "$rc" -eq 0
out="$(psql -X -q -At -d "$db" -c "SHOW search_path" -c "SELECT metamigrate.upgrade('plant:op') ->> 'to'" \
  -c "SHOW search_path" -c "SHOW work_mem" -c "SHOW statement_timeout" 2>&1)"
before="$(echo "$out" | sed -n 1p)"
check_eq "the upgrade applied both revisions" "$(echo "$out" | sed -n 2p)" '["r2"]'
check_eq "an operator planted by revision SQL never runs as the superuser who upgrades" "$(is_superuser "$attacker")" f
check_eq "the caller's search_path is as it was after upgrade()" "$(echo "$out" | sed -n 3p)" "$before"
check_eq "work_mem set by a revision does not stay in the caller's session" "$(echo "$out" | sed -n 4p)" 4MB
check_eq "statement_timeout set by a revision does not stay in the caller's session" "$(echo "$out" | sed -n 5p)" 0
