#!/usr/bin/env bash
# Set-up checks of the README's commands that need no cluster: what
# scripts/demo finds missing on a machine where the server runs but its
# headers are not installed (libpq-dev's pg_config is there all the same).
# Runs the demo as an unprivileged user, so it reports instead of
# installing. Prints "N passed, M failed".
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
source "$here/../lib/checks.sh"
passed=0
failed=0
WORK="$(mktemp -d /tmp/metamigrate-setup-test.XXXXXX)"
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT
user=nobody
id "$user" >/dev/null 2>&1 || { echo "no user $user"; echo "0 passed, 1 failed"; exit 1; }

# pg_config as libpq-dev ships it: no server include directory behind it.
cat >"$WORK/pg_config" <<'EOS'
#!/bin/sh
case "$1" in
  --includedir-server) echo /nonexistent/postgresql/15/server ;;
  --includedir) echo /usr/include/postgresql ;;
  --bindir) echo /usr/lib/postgresql/15/bin ;;
  --version) echo "PostgreSQL 15" ;;
esac
EOS
chmod 755 "$WORK/pg_config"
as_user() { if [ "$(id -u)" = 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi; }

# A copy the unprivileged user can read wherever the clone is (it stops
# before it would build anything from the tree around it).
mkdir -p "$WORK/scripts"
cp "$repo/scripts/demo" "$WORK/scripts/demo"
chmod -R a+rX "$WORK"
as_user env PG_CONFIG="$WORK/pg_config" bash "$WORK/scripts/demo" >"$WORK/out" 2>"$WORK/err"
rc=$?
check_eq "demo without server headers stops" "$rc" 1
check "and names postgresql-server-dev-15" grep -q "missing packages:.*postgresql-server-dev-15" "$WORK/err"
check "before building anything" bash -c "! grep -q '== build' '$WORK/out'"

# scripts/test-all installs what its suites need (as root, with apt-get):
# a machine where only python3-alembic is missing gets exactly that.
mkdir -p "$WORK/fakebin"
cat >"$WORK/fakebin/dpkg-query" <<'EOS'
#!/bin/sh
for last; do :; done
[ "$last" = python3-alembic ] && exit 1
printf 'install ok installed'
EOS
cat >"$WORK/fakebin/apt-get" <<EOS
#!/bin/sh
echo "\$*" >>"$WORK/apt.log"
EOS
cat >"$WORK/fakebin/id" <<'EOS'
#!/bin/sh
echo 0
EOS
chmod 755 "$WORK/fakebin/"*
PATH="$WORK/fakebin:$PATH" bash -c "source '$repo/scripts/lib/packages.sh' && install_missing_packages" >"$WORK/out" 2>"$WORK/err"
check_eq "install_missing_packages succeeds" "$?" 0
check "runs apt-get update" grep -qx -- "update -qq" "$WORK/apt.log"
check "installs only the missing package" grep -qx -- "install -y -qq --no-install-recommends python3-alembic" "$WORK/apt.log"
check "test-all calls it before anything needs a package" \
  bash -c "grep -n 'install_missing_packages\|source scripts/lib/cluster.sh\|^make' '$repo/scripts/test-all' | head -1 | grep -q install_missing_packages"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
