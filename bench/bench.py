#!/usr/bin/python3
"""metamigrate benchmark driver (run it through bench/run.sh).

Builds a synthetic workload of K revisions (each creates a table with 6
columns, a primary key, an index and a foreign key to the previous table)
in three forms with identical SQL: a psql script (the floor), a metamigrate
provider directory and an Alembic project (op.execute of the same SQL).
Then, on fresh databases of the cluster in PGHOST/PGPORT/PGUSER, times
upgrade head, current and downgrade base for

    floor                  psql -1 -f (the same DDL; `current` = one psql -c query of the version table)
    metamigrate (client)   metamigrate upgrade head / current / downgrade base, from the provider directory
    metamigrate (SQL)      psql -c "SELECT metamigrate.upgrade(...)" after an untimed upload
    alembic                python3 -m alembic upgrade head / current / downgrade base

with one warm-up round and REPS timed rounds (tool order rotates between
rounds), and checks every tool's schema against the floor's (pg_dump of
public without the version table). Extras: finalize and snapshot of N
managed tables, `current` with many history rows, peak backend memory for
several K, autogenerate of N tables against Alembic's compare_metadata
(bench_autogenerate.py). Writes bench/results/<stamp>-k<K>.{md,json} (and latest.*).

Exit status: 0 when every tool ran and every check passed, 1 otherwise.
Timings never fail the run.
"""
import argparse
import datetime
import difflib
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import psycopg2

import bench_autogenerate

PACKAGE = "bench"
PROVIDER = "bench:bench"
OWNER = "bench_owner"
VT = "bench_alembic_version"
PY = "/usr/bin/python3"
PG_CONFIG = os.environ.get("PG_CONFIG", "pg_config")
TOOLS = ["floor", "floor (extension installed)", "metamigrate (client)", "metamigrate (SQL)", "alembic"]
TARGETS = {"upgrade": 1.10, "downgrade": 1.10, "current": 1.20}


# ------------------------------------------------------------------ workload
def rev_id(i):
    return "r%05d" % i


def table(i):
    return "bench_t%05d" % i


def upgrade_sql(i):
    fk = " REFERENCES %s (id)" % table(i - 1) if i > 1 else ""
    t = table(i)
    return ("CREATE TABLE %s (\n"
            "    id         bigint PRIMARY KEY,\n"
            "    prev_id    bigint%s,\n"
            "    name       text NOT NULL,\n"
            "    amount     numeric(12,2) NOT NULL DEFAULT 0,\n"
            "    created_at timestamptz NOT NULL DEFAULT now(),\n"
            "    active     boolean NOT NULL DEFAULT true\n"
            ");\n"
            "CREATE INDEX %s_name_idx ON %s (name);" % (t, fk, t, t))


def downgrade_sql(i):
    return "DROP TABLE %s;" % table(i)


ALEMBIC_ENV = '''"""Alembic environment of the metamigrate benchmark (generated)."""
import os
from alembic import context
from sqlalchemy import create_engine, pool

url = os.environ["BENCH_DB_URL"]
version_table = context.config.get_main_option("version_table", "alembic_version")


def run_migrations_online():
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=None, version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
'''

ALEMBIC_INI = """[alembic]
script_location = %(here)s
version_table = bench_alembic_version

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
"""


class Workload:
    """K revisions in three forms with identical SQL."""

    def __init__(self, root, k):
        self.k = k
        self.dir = os.path.join(root, "k%d" % k)
        self.floor_up = os.path.join(self.dir, "floor_upgrade.sql")
        self.floor_down = os.path.join(self.dir, "floor_downgrade.sql")
        self.provider = os.path.join(self.dir, "migrations")
        self.alembic = os.path.join(self.dir, "alembic")
        self.upload = os.path.join(self.dir, "upload.json")
        self.head = rev_id(k)
        if not os.path.exists(os.path.join(self.dir, "done")):
            self._write()

    def _write(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        versions = os.path.join(self.provider, "versions", PACKAGE)
        al_versions = os.path.join(self.alembic, "versions")
        os.makedirs(versions)
        os.makedirs(os.path.join(self.provider, "schema"))
        os.makedirs(al_versions)
        with open(os.path.join(self.provider, "metamigrate.json"), "w") as f:
            json.dump({"package": PACKAGE, "namespace": PACKAGE, "owner_role": OWNER,
                       "version_table": {"schema": "public", "name": VT, "column": "version_num"},
                       "schemas": ["public"], "schema_files": ["schema/*.sql"],
                       "metatables": [], "after_register": None}, f, indent=2)
        with open(os.path.join(self.alembic, "alembic.ini"), "w") as f:
            f.write(ALEMBIC_INI)
        with open(os.path.join(self.alembic, "env.py"), "w") as f:
            f.write(ALEMBIC_ENV)
        upload = []
        with open(self.floor_up, "w") as up, open(self.floor_down, "w") as down:
            for i in range(1, self.k + 1):
                rid, parent = rev_id(i), (rev_id(i - 1) if i > 1 else "")
                up.write(upgrade_sql(i) + "\n")
                name = "%s_create_%s" % (rid, table(i))
                with open(os.path.join(versions, name + ".sql"), "w") as f:
                    f.write("-- metamigrate:revision\n-- revision: %s\n-- down_revision: %s\n"
                            "-- branch_labels:\n-- depends_on:\n-- message: create %s\n"
                            "-- create_date: 2026-11-23T00:00:00Z\n-- transactional: true\n\n"
                            "-- metamigrate:upgrade\n%s\n\n-- metamigrate:downgrade\n%s\n"
                            % (rid, parent, table(i), upgrade_sql(i), downgrade_sql(i)))
                with open(os.path.join(al_versions, name + ".py"), "w") as f:
                    f.write('"""create %s"""\nfrom alembic import op\n\nrevision = %r\ndown_revision = %r\n'
                            'branch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    op.execute("""\n%s\n""")\n\n\n'
                            'def downgrade():\n    op.execute("""\n%s\n""")\n'
                            % (table(i), rid, parent or None, upgrade_sql(i), downgrade_sql(i)))
                upload.append({"revision": rid, "down_revision": parent or None, "branch_labels": [],
                               "depends_on": [], "message": "create " + table(i),
                               "upgrade_sql": upgrade_sql(i), "downgrade_sql": downgrade_sql(i),
                               "transactional": True})
            for i in range(self.k, 0, -1):
                down.write(downgrade_sql(i) + "\n")
        with open(self.upload, "w") as f:
            json.dump(upload, f)
        open(os.path.join(self.dir, "done"), "w").close()


# ------------------------------------------------------------------ running things
class ToolError(Exception):
    pass


class Runner:
    def __init__(self, args):
        self.args = args
        self.mm = args.mm_bin
        self.timeout = args.step_timeout

    def run(self, cmd, env=None, what=None, capture=False):
        """Runs cmd; returns (seconds, stdout). Raises ToolError on failure."""
        full_env = dict(os.environ)
        full_env.update(env or {})
        start = time.perf_counter()
        try:
            p = subprocess.run(cmd, env=full_env, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                               stderr=subprocess.PIPE, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            raise ToolError("%s: timed out after %ss" % (what or cmd[0], self.timeout))
        elapsed = time.perf_counter() - start
        if p.returncode != 0:
            err = p.stderr.decode(errors="replace").strip().splitlines()
            raise ToolError("%s: exit %d: %s" % (what or " ".join(cmd[:3]), p.returncode, " | ".join(err[-4:])))
        return elapsed, (p.stdout.decode(errors="replace") if capture else "")

    def psql(self, db, *args, capture=False, what=None):
        return self.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db] + list(args),
                        capture=capture, what=what or "psql")

    def sql_value(self, db, sql):
        return self.psql(db, "-At", "-c", sql, capture=True)[1].strip()

    def createdb(self, db, extension=False):
        self.run(["dropdb", "--if-exists", db], what="dropdb")
        self.run(["createdb", db], what="createdb")
        setup = 'GRANT USAGE, CREATE ON SCHEMA public TO "%s";' % OWNER
        if extension:
            setup += 'CREATE EXTENSION metamigrate; GRANT USAGE ON SCHEMA metamigrate TO "%s";' % OWNER
        self.psql(db, "-c", setup, what="database setup")

    def dropdb(self, db):
        if not self.args.keep:
            self.run(["dropdb", "--if-exists", db], what="dropdb")

    def schema(self, db):
        """Normalized schema of public, without the version table."""
        _, out = self.run(["pg_dump", "--schema-only", "--no-owner", "--no-privileges", "-n", "public",
                           "-T", "public." + VT, db], capture=True, what="pg_dump")
        lines = [l for l in out.splitlines()
                 if l and not l.startswith(("--", "SET ", "SELECT pg_catalog.set_config", "\\restrict", "\\unrestrict"))]
        return "\n".join(lines) + "\n"

    def version_rows(self, db):
        return self.sql_value(db, "SELECT coalesce(string_agg(version_num, ',' ORDER BY 1), '') "
                                  "FROM public.%s" % VT)


class Tool:
    """One way of applying the workload."""

    def __init__(self, name, runner, workload):
        self.name, self.r, self.w = name, runner, workload

    def mm_cmd(self, db, *args):
        return [self.r.mm, "--dsn", "dbname=" + db, "--provider", self.w.provider] + list(args)

    def alembic_cmd(self, *args):
        return [PY, "-m", "alembic", "-c", os.path.join(self.w.alembic, "alembic.ini")] + list(args)

    def alembic_env(self, db):
        return {"BENCH_DB_URL": "postgresql+psycopg2:///" + db}

    def setup(self, db):
        r = self.r
        if self.name.startswith("floor"):
            r.createdb(db, extension=self.name != "floor")
            # A version table only so that `current` has something to read.
            r.psql(db, "-c", "CREATE TABLE public.%s (version_num varchar(32) NOT NULL, "
                             "CONSTRAINT %s_pkc PRIMARY KEY (version_num))" % (VT, VT))
        elif self.name == "alembic":
            r.createdb(db)
        else:
            r.createdb(db, extension=True)
            if self.name == "metamigrate (SQL)":
                with open(self.w.upload) as f:
                    document = f.read()
                conn = psycopg2.connect(dbname=db)
                try:
                    with conn, conn.cursor() as cur:
                        cur.execute("SELECT metamigrate.register_provider(%s, %s, %s, 'public', %s)",
                                    (PACKAGE, PACKAGE, OWNER, VT))
                        cur.execute("SELECT metamigrate.upload_revisions(%s, %s::jsonb)", (PROVIDER, document))
                finally:
                    conn.close()

    def mm_migrate(self, db, operation, target, env, what):
        """metamigrate upgrade/downgrade through the client (--json) or SQL; keeps
        the sum of the steps' own durations (time inside revision SQL)."""
        if self.name == "metamigrate (client)":
            t, out = self.r.run(self.mm_cmd(db, "--json", operation, target), env=env, what=what, capture=True)
        else:
            t, out = self.r.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", db, "-c",
                                 "SELECT metamigrate.%s('%s', '%s')" % (operation, PROVIDER, target)],
                                env=env, what=what, capture=True)
        try:
            steps = json.loads(out)["steps"]
        except (ValueError, KeyError) as e:
            raise ToolError("%s: unexpected output (%s): %r" % (what, e, out[:200]))
        if len(steps) != self.w.k:
            raise ToolError("%s: %d steps, expected %d" % (what, len(steps), self.w.k))
        self.steps_ms = sum(s.get("duration_ms", 0.0) for s in steps)
        return t

    def upgrade(self, db, env=None):
        r, what = self.r, self.name + " upgrade"
        self.steps_ms = None
        if self.name.startswith("floor"):
            t = r.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-f", self.w.floor_up, "-d", db],
                      env=env, what=what)[0]
            r.psql(db, "-c", "INSERT INTO public.%s VALUES ('%s')" % (VT, self.w.head))  # untimed
            return t
        if self.name.startswith("metamigrate"):
            return self.mm_migrate(db, "upgrade", "head", env, what)
        return r.run(self.alembic_cmd("upgrade", "head"), env=dict(self.alembic_env(db), **(env or {})), what=what)[0]

    def current(self, db):
        r, what = self.r, self.name + " current"
        if self.name.startswith("floor"):
            t, out = r.run(["psql", "-X", "-At", "-d", db, "-c", "SELECT version_num FROM public." + VT],
                           capture=True, what=what)
        elif self.name == "metamigrate (client)":
            t, out = r.run(self.mm_cmd(db, "current"), capture=True, what=what)
        elif self.name == "metamigrate (SQL)":
            t, out = r.run(["psql", "-X", "-At", "-d", db, "-c",
                            "SELECT * FROM metamigrate.current('%s')" % PROVIDER], capture=True, what=what)
        else:
            t, out = r.run(self.alembic_cmd("current"), env=self.alembic_env(db), capture=True, what=what)
        if self.w.head not in out:
            raise ToolError("%s printed %r, expected the head %s" % (what, out.strip()[:200], self.w.head))
        return t

    def downgrade(self, db, env=None):
        r, what = self.r, self.name + " downgrade"
        self.steps_ms = None
        if self.name.startswith("floor"):
            return r.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-f", self.w.floor_down, "-d", db],
                         env=env, what=what)[0]
        if self.name.startswith("metamigrate"):
            return self.mm_migrate(db, "downgrade", "base", env, what)
        return r.run(self.alembic_cmd("downgrade", "base"), env=dict(self.alembic_env(db), **(env or {})),
                     what=what)[0]


def slug(name):
    return re.sub(r"[^a-z]+", "_", name).strip("_")


def stats(samples):
    samples = [x for x in samples if x is not None]
    if not samples:
        return None
    return {"min": min(samples), "median": statistics.median(samples), "max": max(samples), "n": len(samples)}


STARTED = time.monotonic()


def log(msg):
    if msg.startswith("=="):
        msg = "%s  [%.0fs]" % (msg, time.monotonic() - STARTED)
    print(msg, flush=True)


# ------------------------------------------------------------------ main comparison
def main_comparison(args, runner, workload, results):
    tools = [Tool(name, runner, workload) for name in TOOLS if name in args.tools]
    data = {t.name: {"upgrade": [], "current": [], "downgrade": [], "errors": [], "checks": [],
                     "measures": {"upgrade": [], "downgrade": []}} for t in tools}
    reference = {}
    rounds = ([("warm-up", -1)] if args.warmup else []) + [("round %d" % (i + 1), i) for i in range(args.reps)]
    for label, index in rounds:
        order = tools if index < 0 else tools[index % len(tools):] + tools[:index % len(tools)]
        if index < 0:  # the floor first: its schemas are the reference
            order = sorted(tools, key=lambda t: t.name != "floor")
        for tool in order:
            d = data[tool.name]
            if d["errors"]:
                continue  # a tool that failed once is not timed further
            db = "bench_%s_%s" % (slug(tool.name), "w" if index < 0 else index)
            try:
                tool.setup(db)
                t_up, m_up = sampled(db, args.memory_interval, tool.upgrade, db)
                m_up["revision_sql_s"] = tool.steps_ms / 1000 if tool.steps_ms is not None else None
                head_schema = runner.schema(db)
                t_cur = [tool.current(db) for _ in range(args.current_runs)]
                if not tool.name.startswith("floor"):
                    rows = runner.version_rows(db)
                    if rows != workload.head:
                        raise ToolError("version table after upgrade head holds %r, expected %s" % (rows, workload.head))
                t_down, m_down = sampled(db, args.memory_interval, tool.downgrade, db)
                m_down["revision_sql_s"] = tool.steps_ms / 1000 if tool.steps_ms is not None else None
                base_schema = runner.schema(db)
                if not tool.name.startswith("floor"):
                    rows = runner.version_rows(db)
                    if rows != "":
                        raise ToolError("version table after downgrade base holds %r" % rows)
            except ToolError as e:
                d["errors"].append("%s: %s" % (label, e))
                log("  %-22s %-9s FAILED: %s" % (tool.name, label, e))
                runner.dropdb(db)
                continue
            if tool.name == "floor" and not reference:  # the plain floor's first run is the reference
                reference = {"head": head_schema, "base": base_schema}
                h = hashlib.sha256(head_schema.encode()).hexdigest()[:12]
                d["checks"].append("reference schema at head: %d lines, sha256 %s" % (head_schema.count("\n"), h))
            for state, got in (("head", head_schema), ("base", base_schema)):
                if reference and got != reference[state]:
                    path = os.path.join(args.out_dir, "schema-mismatch-%s-%s.diff" % (slug(tool.name), state))
                    with open(path, "w") as f:
                        f.writelines(difflib.unified_diff(reference[state].splitlines(True), got.splitlines(True),
                                                          "floor", tool.name))
                    d["errors"].append("%s: schema at %s differs from the floor's (%s)" % (label, state, path))
            if index >= 0:
                d["upgrade"].append(t_up)
                d["current"].extend(t_cur)
                d["downgrade"].append(t_down)
                d["measures"]["upgrade"].append(m_up)
                d["measures"]["downgrade"].append(m_down)
            log("  %-22s %-9s upgrade %8.3fs (cpu %6.2fs)  current %7.3fs  downgrade %8.3fs (cpu %6.2fs)"
                % (tool.name, label, t_up, m_up["total_cpu_s"], statistics.median(t_cur), t_down, m_down["total_cpu_s"]))
            runner.dropdb(db)
    results["main"] = {name: {"upgrade": stats(d["upgrade"]), "current": stats(d["current"]),
                              "downgrade": stats(d["downgrade"]), "samples": {k: d[k] for k in
                                                                               ("upgrade", "current", "downgrade")},
                              "measures": d["measures"],
                              "cpu": {op: {key: stats([m[key] for m in d["measures"][op]])
                                           for key in ("client_cpu_s", "backend_cpu_s", "total_cpu_s",
                                                       "peak_rss_anon_mb", "peak_vm_hwm_mb", "revision_sql_s")}
                                      for op in ("upgrade", "downgrade")},
                              "errors": d["errors"], "checks": d["checks"]} for name, d in data.items()}


# ------------------------------------------------------------------ extras
def timed_statement(db, setup, statement, reps):
    """Runs `statement` (which must return one small value) reps+1 times in
    one session, each in a transaction that is rolled back, the first run
    being a warm-up. Returns wall seconds and the backend's CPU seconds per
    run (read from /proc between statements, tick resolution) and the
    warm-up's result."""
    conn = psycopg2.connect(dbname=db)
    try:
        cur = conn.cursor()
        for sql in setup:
            cur.execute(sql)
        conn.commit()
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
        conn.rollback()
        wall, cpu, first = [], [], None
        for i in range(reps + 1):
            cpu0 = proc_cpu_seconds(pid)
            t0 = time.perf_counter()
            cur.execute(statement)
            value = cur.fetchone()[0]
            elapsed = time.perf_counter() - t0
            cpu1 = proc_cpu_seconds(pid)
            conn.rollback()
            if i == 0:
                first = value
            else:
                wall.append(elapsed)
                cpu.append(cpu1 - cpu0)
        return {"samples": wall, "cpu_samples": cpu, "result": first}
    finally:
        conn.close()


def create_tables_sql(path, n, prefix="bench_t"):
    with open(path, "w") as f:
        for start in range(1, n + 1, 500):
            f.write("BEGIN;\n")
            for i in range(start, min(n, start + 499) + 1):
                f.write(upgrade_sql(i) + "\n")
            f.write("COMMIT;\n")


def extra_finalize_snapshot(args, runner, results):
    out = {"finalize": {}, "snapshot": {}, "errors": []}
    for n in args.finalize_sizes:
        db = "bench_fin_%d" % n
        try:
            runner.createdb(db, extension=True)
            runner.psql(db, "-c", "SELECT metamigrate.register_provider('fin', 'fin', '%s')" % OWNER)
            request = {"migration_package": "fin", "migration_namespace": "fin", "migration_provider_key": "fin:fin",
                       "tables": [{"identifier": "fin.T%05d" % i, "table_contract": {
                           "version": "relational-table.v1", "physical": {"table_name": table(i)}, "columns": []}}
                                  for i in range(1, n + 1)]}
            conn = psycopg2.connect(dbname=db)
            with conn, conn.cursor() as cur:
                cur.execute("SELECT metamigrate.reserve(%s::jsonb)", (json.dumps(request),))
            conn.close()
            path = os.path.join(args.work, "tables_%d.sql" % n)
            create_tables_sql(path, n)
            t_create = runner.psql(db, "-f", path, what="create %d tables" % n)[0]
            runner.psql(db, "-c", "VACUUM ANALYZE")
            req = ("CREATE TEMP TABLE req AS SELECT jsonb_build_object('migration_provider_key', 'fin:fin', "
                   "'alembic_revision', 'head', 'meta_table_uids', (SELECT jsonb_agg(uid) FROM metamigrate.meta_table "
                   "WHERE provider = 'fin:fin' AND kind = 'meta_table')) AS f")
            fin = timed_statement(db, [req], "SELECT jsonb_array_length(metamigrate.finalize(f) -> 'tables') FROM req",
                                  args.extra_reps)
            check = str(fin["result"])
            snap = timed_statement(db, [], "SELECT length(metamigrate.snapshot(ARRAY['public'])::text)", args.extra_reps)
            out["finalize"][str(n)] = dict(stats(fin["samples"]), samples=fin["samples"], cpu=stats(fin["cpu_samples"]),
                                           cpu_samples=fin["cpu_samples"], tables_finalized=check,
                                           create_seconds=t_create)
            out["snapshot"][str(n)] = dict(stats(snap["samples"]), samples=snap["samples"], cpu=stats(snap["cpu_samples"]),
                                           cpu_samples=snap["cpu_samples"], snapshot_chars=snap["result"])
            log("  finalize %6d tables: median %.3fs, cpu %.2fs (finalized %s)   snapshot: median %.3fs, cpu %.2fs   "
                "(creating them took %.1fs)" % (n, statistics.median(fin["samples"]), statistics.median(fin["cpu_samples"]),
                                                check, statistics.median(snap["samples"]),
                                                statistics.median(snap["cpu_samples"]), t_create))
            if check != str(n):
                out["errors"].append("finalize of %d tables returned %s tables" % (n, check))
        except (ToolError, psycopg2.Error) as e:
            out["errors"].append("finalize/snapshot %d: %s" % (n, e))
            log("  finalize/snapshot %d FAILED: %s" % (n, e))
        runner.dropdb(db)
    results["finalize_snapshot"] = out


def extra_current_history(args, runner, workdir, results):
    out = {"history_rows": args.history_rows, "before": {}, "after": {}, "errors": []}
    w = Workload(workdir, 10)
    db = "bench_history"
    tools = {n: Tool(n, runner, w) for n in ("floor", "metamigrate (client)", "metamigrate (SQL)")}
    try:
        tools["metamigrate (client)"].setup(db)
        tools["metamigrate (client)"].upgrade(db)
        n_runs = max(1, args.reps * args.current_runs)

        def measure():
            res = {}
            for name, tool in tools.items():
                tool.current(db)  # warm-up
                res[name] = [tool.current(db) for _ in range(n_runs)]
            return res

        before = measure()
        runner.psql(db, "-c", "INSERT INTO metamigrate.history (provider, revision, direction, duration, executed_as, "
                              "checksum, heads_after) SELECT '%s', 'r00001', CASE WHEN g %% 2 = 0 THEN 'upgrade' "
                              "ELSE 'downgrade' END, interval '1 ms', '%s', NULL, ARRAY['r00001'] "
                              "FROM generate_series(1, %d) g" % (PROVIDER, OWNER, args.history_rows))
        runner.psql(db, "-c", "VACUUM ANALYZE metamigrate.history")
        total = runner.sql_value(db, "SELECT count(*) FROM metamigrate.history")
        after = measure()
        out["history_rows_total"] = int(total)
        for name in tools:
            out["before"][name] = dict(stats(before[name]), samples=before[name])
            out["after"][name] = dict(stats(after[name]), samples=after[name])
            log("  current, %-22s median %.4fs with %s history rows, %.4fs with %s"
                % (name, statistics.median(before[name]), 10, statistics.median(after[name]), total))
    except ToolError as e:
        out["errors"].append(str(e))
        log("  current with history FAILED: %s" % e)
    runner.dropdb(db)
    results["current_history"] = out


CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_cpu_seconds(pid):
    """utime + stime of a process, in seconds (tick resolution), or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return None


class BackendSampler(threading.Thread):
    """Watches every backend serving database `db` (found by process title,
    "postgres: USER DB ...", so no query disturbs the server) while a command
    runs: CPU seconds (utime+stime, last sample before the backend exits, so up
    to one interval is missed), peak RssAnon (private memory, sampled) and
    VmHWM (the kernel's peak RSS, which also counts touched shared buffers)."""

    def __init__(self, db, interval=0.01):
        super().__init__(daemon=True)
        self.db, self.interval = db, interval
        self.stop_flag = threading.Event()
        self.peak_anon_kb = 0
        self.peak_hwm_kb = 0
        self.cpu = {}
        self.samples = 0
        # Backends that exist before the command starts (one that is still
        # exiting after the previous command, for instance) are not its own.
        self.exclude = self.find()

    def find(self):
        pids = set()
        needle = (" %s " % self.db).encode()
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as f:
                    title = f.read()
            except OSError:
                continue
            if title.startswith(b"postgres: ") and needle in title + b" ":
                pids.add(int(entry))
        return pids

    def read(self, pid):
        try:
            with open("/proc/%d/status" % pid) as f:
                text = f.read()
        except OSError:
            return
        fields = dict(re.findall(r"^(\w+):\s+(\d+) kB", text, re.M))
        cpu = proc_cpu_seconds(pid)
        if cpu is not None:
            self.cpu[pid] = cpu
        self.peak_anon_kb = max(self.peak_anon_kb, int(fields.get("RssAnon", 0)))
        self.peak_hwm_kb = max(self.peak_hwm_kb, int(fields.get("VmHWM", 0)))
        self.samples += 1

    def run(self):
        pids, last_find = set(), 0.0
        while not self.stop_flag.is_set():
            now = time.monotonic()
            if now - last_find > 0.1:
                pids |= self.find() - self.exclude
                last_find = now
            for pid in list(pids):
                self.read(pid)
            self.stop_flag.wait(self.interval)

    def stop(self):
        self.stop_flag.set()
        self.join()
        return {"backend_cpu_s": round(sum(self.cpu.values()), 3),
                "peak_rss_anon_mb": round(self.peak_anon_kb / 1024, 1),
                "peak_vm_hwm_mb": round(self.peak_hwm_kb / 1024, 1), "backends": len(self.cpu)}


def sampled(db, interval, function, *args):
    """Runs function(*args) (a timed command) under a BackendSampler and with
    the children's rusage; returns (wall seconds, measures)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler = BackendSampler(db, interval)
    sampler.start()
    try:
        wall = function(*args)
    finally:
        measures = sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    measures["client_cpu_s"] = round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 3)
    measures["total_cpu_s"] = round(measures["client_cpu_s"] + measures["backend_cpu_s"], 3)
    measures["wall_s"] = wall
    return wall, measures


def extra_memory(args, runner, workdir, results):
    out = {"ks": args.memory_ks, "runs": {}, "errors": []}
    for k in args.memory_ks:
        w = Workload(workdir, k)
        for name in ("floor", "metamigrate (SQL)", "metamigrate (client)"):
            tool = Tool(name, runner, w)
            db = "bench_mem_%s_%d" % (slug(name), k)
            entry = {}
            try:
                tool.setup(db)
                for op in ("upgrade", "downgrade"):
                    entry[op] = sampled(db, args.memory_interval, getattr(tool, op), db)[1]
                out["runs"].setdefault(name, {})[str(k)] = entry
                log("  memory K=%-6d %-22s upgrade: RssAnon %7.1f MB, VmHWM %7.1f MB   downgrade: RssAnon %7.1f MB, "
                    "VmHWM %7.1f MB" % (k, name, entry["upgrade"]["peak_rss_anon_mb"], entry["upgrade"]["peak_vm_hwm_mb"],
                                        entry["downgrade"]["peak_rss_anon_mb"], entry["downgrade"]["peak_vm_hwm_mb"]))
            except (ToolError, psycopg2.Error) as e:
                out["errors"].append("memory %s K=%d: %s" % (name, k, e))
                log("  memory K=%d %s FAILED: %s" % (k, name, e))
            runner.dropdb(db)
    results["memory"] = out


# ------------------------------------------------------------------ report
def machine_info(runner):
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
            cpu = m.group(1) if m else cpu
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = "%.1f GiB" % (int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1)) / 1048576)
    except (OSError, AttributeError):
        pass
    settings = {}
    for name in ("server_version", "max_locks_per_transaction", "max_connections", "shared_buffers", "fsync",
                 "synchronous_commit", "data_directory"):
        settings[name] = runner.sql_value("postgres", "SHOW " + name)
    installed = {}
    for label, path in (("extension", os.path.join(subprocess.run([PG_CONFIG, "--pkglibdir"], capture_output=True,
                                                                    text=True).stdout.strip(), "metamigrate.so")),
                        ("client", runner.mm)):
        installed[label] = file_fingerprint(path)
    mm_version = subprocess.run([runner.mm, "--version"], capture_output=True, text=True).stdout.strip()
    al_version = subprocess.run([PY, "-c", "import alembic, sqlalchemy; print(alembic.__version__, sqlalchemy.__version__)"],
                                capture_output=True, text=True).stdout.split()
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "host": platform.node(), "cpu": cpu, "cores": os.cpu_count(), "memory": mem,
            "kernel": platform.release(), "loadavg_start": open("/proc/loadavg").read().split()[:3],
            "metamigrate": mm_version, "alembic": al_version[0] if al_version else "?",
            "sqlalchemy": al_version[1] if len(al_version) > 1 else "?", "postgres": settings,
            "installed": installed}


def file_fingerprint(path):
    try:
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()[:16]
        mtime = datetime.datetime.fromtimestamp(os.path.getmtime(path)).strftime("%Y-%m-%d %H:%M:%S")
        return {"path": path, "sha256": digest, "mtime": mtime}
    except OSError as e:
        return {"path": path, "error": str(e)}


def fmt(x, digits=3):
    return "—" if x is None else ("%.*f" % (digits, x))


def verdict(ratio, target):
    if ratio is None:
        return "—"
    return "met" if ratio <= target else "**missed**"


def render_markdown(args, results):
    m = results["machine"]
    lines = ["# metamigrate benchmark, K=%d" % args.k, "",
             "- date: %s; host %s: %s, %s cores, %s RAM, Linux %s; load average at start %s, at end %s"
             % (m["date"], m["host"], m["cpu"], m["cores"], m["memory"], m["kernel"], " ".join(m["loadavg_start"]),
                " ".join(m.get("loadavg_end", ["?"]))),
             "- PostgreSQL %s, data directory %s; fsync=%s, max_locks_per_transaction=%s, max_connections=%s, "
             "shared_buffers=%s (same cluster and settings for every tool)"
             % (m["postgres"]["server_version"], m["postgres"]["data_directory"], m["postgres"]["fsync"],
                m["postgres"]["max_locks_per_transaction"], m["postgres"]["max_connections"],
                m["postgres"]["shared_buffers"]),
             "- %s (extension %s, installed %s; client %s); alembic %s (SQLAlchemy %s), raw SQL through op.execute"
             % (m["metamigrate"], m.get("installed", {}).get("extension", {}).get("sha256", "?"),
                m.get("installed", {}).get("extension", {}).get("mtime", "?"),
                m.get("installed", {}).get("client", {}).get("sha256", "?"), m["alembic"], m["sqlalchemy"]),
             "- workload: K=%d revisions, each CREATE TABLE (6 columns, primary key, foreign key to the previous "
             "table) + CREATE INDEX; %d timed round(s)%s, each tool on a fresh database per round (tool order "
             "rotates); `current` %d time(s) per round; wall-clock seconds of the whole command (process start included)"
             % (args.k, args.reps, " after one warm-up round" if args.warmup else ", no warm-up", args.current_runs),
             ] + ["- **WARNING**: " + w for w in m.get("warnings", [])]
    main = results.get("main", {})
    if main:  # not with --no-main
        lines += ["", "| operation | tool | min s | median s | × floor (median) | target | schema check |",
                  "|---|---|---:|---:|---:|---|---|"]
    floor = main.get("floor", {})
    for op in ("upgrade", "current", "downgrade"):
        base = (floor.get(op) or {}).get("median")
        for name in TOOLS:
            if name not in main:
                continue
            s = main[name].get(op)
            ratio = (s["median"] / base) if (s and base) else None
            target = ("≤ %.2f× → %s" % (TARGETS[op], verdict(ratio, TARGETS[op]))
                      if name.startswith("metamigrate") else "")
            check = "FAILED" if main[name]["errors"] else ("reference" if name == "floor" else "same as floor")
            floor_label = {"upgrade": "floor (`psql -1 -f`)", "downgrade": "floor (`psql -1 -f`)",
                           "current": "floor (one `psql -c` query)"}[op] if name == "floor" else name
            lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                op if name == "floor" else "", floor_label, fmt(s and s["min"]), fmt(s and s["median"]),
                fmt(ratio, 2) if ratio else "—", target, check))
    if main.get("floor", {}).get("cpu"):
        lines += ["", "CPU seconds of the same runs (median; client = the tool's processes, backend = every server "
                  "backend of the database, sampled from /proc every %g ms; less sensitive to machine load than "
                  "wall-clock) and peak backend memory:" % (args.memory_interval * 1000), "",
                  "| operation | tool | client CPU s | backend CPU s | total CPU s | × floor (total CPU) "
                  "| in revision SQL s (wall) | peak RssAnon MB | peak VmHWM MB |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
        for op in ("upgrade", "downgrade"):
            base = ((main["floor"]["cpu"][op] or {}).get("total_cpu_s") or {}).get("median")
            for name in TOOLS:
                c = (main.get(name) or {}).get("cpu", {}).get(op)
                if not c or not c.get("total_cpu_s"):
                    continue
                med = {key: c[key]["median"] for key in c if c[key]}
                ratio = med["total_cpu_s"] / base if base else None
                lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    op if name == "floor" else "", name, fmt(med["client_cpu_s"], 2), fmt(med["backend_cpu_s"], 2),
                    fmt(med["total_cpu_s"], 2), fmt(ratio, 2) if ratio else "—", fmt(med.get("revision_sql_s"), 2),
                    fmt(med["peak_rss_anon_mb"], 1), fmt(med["peak_vm_hwm_mb"], 1)))
    errors = [(n, e) for n, d in main.items() for e in d["errors"]]
    if errors:
        lines += ["", "Failures:"] + ["- %s: %s" % (n, e) for n, e in errors]

    fs = results.get("finalize_snapshot")
    if fs:
        lines += ["", "## finalize and snapshot (one session, each run in a rolled-back transaction; "
                  "wall = the statement's round trip, CPU = the backend's utime+stime)", "",
                  "| managed tables | finalize wall s | finalize CPU s | per table ms (wall) | snapshot wall s "
                  "| snapshot CPU s | per table ms (wall) |",
                  "|---:|---:|---:|---:|---:|---:|---:|"]
        sizes = sorted(int(n) for n in fs["finalize"])
        for n in sizes:
            f, s_ = fs["finalize"][str(n)], fs["snapshot"][str(n)]
            lines.append("| %d | %s | %s | %s | %s | %s | %s |" % (
                n, fmt(f["median"]), fmt(f["cpu"]["median"], 2), fmt(f["median"] * 1000 / n, 3),
                fmt(s_["median"]), fmt(s_["cpu"]["median"], 2), fmt(s_["median"] * 1000 / n, 3)))
        if len(sizes) >= 2:
            lo, hi = str(sizes[0]), str(sizes[-1])
            lim = 1.2 * int(hi) / int(lo)
            lines.append("")
            for what in ("finalize", "snapshot"):
                rw = fs[what][hi]["median"] / fs[what][lo]["median"]
                rc = (fs[what][hi]["cpu"]["median"] / fs[what][lo]["cpu"]["median"]
                      if fs[what][lo]["cpu"]["median"] else None)
                lines.append("- %s %s/%s: wall %.1f×, CPU %s× (target ≤ %.0f× → wall %s, CPU %s)"
                             % (what, hi, lo, rw, fmt(rc, 1), lim, verdict(rw, lim), verdict(rc, lim)))
        for e in fs["errors"]:
            lines.append("- FAILED: " + e)

    ch = results.get("current_history")
    if ch and ch.get("after"):
        lines += ["", "## `current` with %s history rows (wall-clock s, median)" % ch.get("history_rows_total"), "",
                  "| tool | 10 history rows | %s history rows | × floor |" % ch.get("history_rows_total"),
                  "|---|---:|---:|---:|"]
        base = ch["after"]["floor"]["median"]
        for name in ("floor", "metamigrate (SQL)", "metamigrate (client)"):
            lines.append("| %s | %s | %s | %s |" % ("floor (one `psql -c` query)" if name == "floor" else name,
                                                   fmt(ch["before"][name]["median"], 4),
                                                   fmt(ch["after"][name]["median"], 4),
                                                   fmt(ch["after"][name]["median"] / base, 2)))
        for e in ch["errors"]:
            lines.append("- FAILED: " + e)

    mem = results.get("memory")
    if mem and mem["runs"]:
        ks = [str(k) for k in mem["ks"]]
        lines += ["", "## Peak backend memory (MB): RssAnon = private memory, sampled every %g ms; "
                  "VmHWM = kernel peak RSS incl. touched shared buffers" % (args.memory_interval * 1000), "",
                  "| tool | operation | " + " | ".join("K=%s RssAnon / VmHWM" % k for k in ks) +
                  " | RssAnon K=%s / K=%s |" % (ks[-1], ks[0]),
                  "|---|---|" + "---:|" * (len(ks) + 1)]
        for name, per_k in mem["runs"].items():
            for op in ("upgrade", "downgrade"):
                cells = []
                for k in ks:
                    e = per_k.get(k, {}).get(op)
                    cells.append("%.1f / %.1f" % (e["peak_rss_anon_mb"], e["peak_vm_hwm_mb"]) if e else "—")
                lo, hi = per_k.get(ks[0], {}).get(op), per_k.get(ks[-1], {}).get(op)
                growth = (hi["peak_rss_anon_mb"] / lo["peak_rss_anon_mb"]) if lo and hi and lo["peak_rss_anon_mb"] else None
                cells.append(fmt(growth, 1) + "×" if growth else "—")
                lines.append("| %s | %s | %s |" % (name, op, " | ".join(cells)))
        for e in mem["errors"]:
            lines.append("- FAILED: " + e)
    lines += bench_autogenerate.render(results.get("autogenerate"), fmt, verdict)
    return "\n".join(lines) + "\n"


def render_saved(path):
    """Prints the markdown report of a saved results JSON (after changes to the report format)."""
    with open(path) as f:
        results = json.load(f)
    saved = argparse.Namespace(**results["args"])
    for name, default in (("warmup", 1), ("memory_interval", 0.01), ("current_runs", 3)):
        if not hasattr(saved, name):
            setattr(saved, name, default)
    sys.stdout.write(render_markdown(saved, results))
    return 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--render":
        return render_saved(sys.argv[2])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--k", type=int, default=1000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--current-runs", type=int, default=3, help="`current` runs per round")
    ap.add_argument("--warmup", type=int, choices=(0, 1), default=1, help="one untimed round first")
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--finalize-sizes", default="1000,10000")
    ap.add_argument("--extra-reps", type=int, default=3, help="timed runs of finalize/snapshot (after a warm-up)")
    ap.add_argument("--history-rows", type=int, default=10000)
    ap.add_argument("--memory-ks", default="1000,5000")
    ap.add_argument("--memory-interval", type=float, default=0.01)
    ap.add_argument("--autogenerate-sizes", default="1000,2000,10000")
    ap.add_argument("--autogenerate-client", help="bench/autogenerate_client.cpp built (bench/run.sh passes it)")
    ap.add_argument("--alembic-reps", type=int, default=1, help="timed runs of Alembic's compare_metadata per target (0: metamigrate only)")
    ap.add_argument("--no-extras", action="store_true")
    ap.add_argument("--extras", default="finalize,history,memory,autogenerate",
                    help="which extras to run (comma-separated)")
    ap.add_argument("--no-main", action="store_true", help="skip upgrade/current/downgrade (extras only)")
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--work", required=True, help="scratch directory for generated workloads")
    ap.add_argument("--mm-bin", default=shutil.which("metamigrate") or "metamigrate")
    ap.add_argument("--step-timeout", type=int, default=1800)
    ap.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    ap.add_argument("--label", default="")
    args = ap.parse_args()
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    args.finalize_sizes = [int(x) for x in args.finalize_sizes.split(",") if x]
    args.memory_ks = [int(x) for x in args.memory_ks.split(",") if x]
    args.autogenerate_sizes = [int(x) for x in args.autogenerate_sizes.split(",") if x]
    os.makedirs(args.out_dir, exist_ok=True)
    if (not args.no_extras and "autogenerate" in [x.strip() for x in args.extras.split(",")]
            and not (args.autogenerate_client and os.access(args.autogenerate_client, os.X_OK))):
        sys.exit("bench.py: the autogenerate extra needs --autogenerate-client, bench/autogenerate_client.cpp built "
                 "(bench/run.sh builds it)")

    runner = Runner(args)
    results = {"machine": machine_info(runner), "args": {k: v for k, v in vars(args).items()}}
    log("== workload: K=%d (generating in %s)" % (args.k, args.work))
    workload = Workload(args.work, args.k)
    runner.run(["psql", "-X", "-q", "-d", "postgres", "-c",
                "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%s') THEN CREATE ROLE %s; END IF; END$$"
                % (OWNER, OWNER)], what="owner role")
    if not args.no_main:
        log("== upgrade head / current / downgrade base: %d round(s)%s"
            % (args.reps, " after a warm-up" if args.warmup else ""))
        main_comparison(args, runner, workload, results)
    extras = set() if args.no_extras else {x.strip() for x in args.extras.split(",")}
    if "finalize" in extras:
        log("== finalize and snapshot of %s managed tables" % ", ".join(map(str, args.finalize_sizes)))
        extra_finalize_snapshot(args, runner, results)
    if "history" in extras:
        log("== current with %d history rows" % args.history_rows)
        extra_current_history(args, runner, args.work, results)
    if "memory" in extras:
        log("== peak backend memory, K = %s" % ", ".join(map(str, args.memory_ks)))
        extra_memory(args, runner, args.work, results)
    if "autogenerate" in extras:
        log("== autogenerate of %s tables, metamigrate and Alembic" % ", ".join(map(str, args.autogenerate_sizes)))
        results["autogenerate"] = bench_autogenerate.run(args.autogenerate_client, args.autogenerate_sizes,
                                                         args.extra_reps, args.alembic_reps, args.work, log,
                                                         keep=args.keep)
    results["machine"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    for label, before in results["machine"]["installed"].items():
        after = file_fingerprint(before["path"])
        if after.get("sha256") != before.get("sha256"):
            results["machine"].setdefault("warnings", []).append(
                "the installed %s (%s) changed during the run (%s -> %s): results mix two builds"
                % (label, before["path"], before.get("mtime"), after.get("mtime")))
    results["machine"]["bench_seconds"] = round(time.monotonic() - STARTED, 1)
    log("== done")

    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = "%s-k%d%s" % (stamp, args.k, ("-" + args.label) if args.label else "")
    md = render_markdown(args, results)
    for base in (name,) + (() if args.label else ("latest",)):  # labelled runs (quick, ...) keep latest.*
        with open(os.path.join(args.out_dir, base + ".md"), "w") as f:
            f.write(md)
        with open(os.path.join(args.out_dir, base + ".json"), "w") as f:
            json.dump(results, f, indent=2, default=str)
    print()
    print(md)
    log("results: %s/%s.{md,json}" % (args.out_dir, name))

    failures = [e for d in results.get("main", {}).values() for e in d["errors"]]
    for key in ("finalize_snapshot", "current_history", "memory", "autogenerate"):
        failures += (results.get(key) or {}).get("errors", [])
    if failures:
        log("FAILED: %d problem(s):" % len(failures))
        for f in failures:
            log("  - " + f)
        return 1
    log("all tools ran and every schema check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
