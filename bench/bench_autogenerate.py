"""Autogenerate benchmark: metamigrate's snapshot + diff against Alembic's
compare_metadata, on the same databases (imported by bench.py).

For each size N: a "desired" database holds N tables of the benchmark
workload (6 columns, primary key, foreign key to the previous table, an
index); two targets are compared with it: an empty database, and one with
the same N tables where one column has another type.

- metamigrate: what `revision --autogenerate` and `check` do once the
  desired schema is loaded: snapshot_text(desired) and snapshot_text(target)
  at once on two connections (the client takes the target's while it loads
  the desired schema, so this errs against metamigrate), then
  compare_models (the diff and the differences) on the desired database's
  server, from one libpq client process (bench/autogenerate_client.cpp,
  which bench/run.sh builds), every value travelling to the client and
  back as text, as the metamigrate client sends them. The floor, pg_dump
  -s of the same two databases, runs both dumps at once too. Both timed
  end to end, process start included, after one warm-up, `reps` times.
- Alembic: compare_metadata(MigrationContext of the target, metadata) with
  compare_type=True, the metadata reflected from the desired database
  beforehand (what an application declares in its models; the reflection
  time is reported apart). Alembic's compare reflects the target database
  itself, which is part of what it costs. Timed once per target by default
  (it is the slow one; `alembic_reps` for more, 0 to leave Alembic out).

Both tools must see the change: against the changed target each must
report the one column (a non-empty upgrade; a modify_type diff), against
the empty one every table.
"""
import json
import os
import statistics
import subprocess
import sys
import threading
import time

import psycopg2

CHANGED_COLUMN = "amount"  # numeric(12,2) in the desired schema
# The scaling target compares these two sizes. The small one's databases
# are kept until the large one is timed, and timed again between its runs:
# minutes apart, the machine's speed drifts (the floor itself scaled by
# 9.6-14.5x between runs of the same code).
SCALING_SMALL, SCALING_LARGE = 1000, 10000


def _table(i):
    return "bench_t%05d" % i


def _tables_sql(n):
    parts = []
    for i in range(1, n + 1):
        fk = " REFERENCES %s (id)" % _table(i - 1) if i > 1 else ""
        t = _table(i)
        parts.append("CREATE TABLE %s (id bigint PRIMARY KEY, prev_id bigint%s, name text NOT NULL, "
                     "amount numeric(12,2) NOT NULL DEFAULT 0, created_at timestamptz NOT NULL DEFAULT now(), "
                     "active boolean NOT NULL DEFAULT true);\nCREATE INDEX %s_name_idx ON %s (name);" % (t, fk, t, t))
    return "\n".join(parts) + "\n"


def _psql(db, sql_path):
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-f", sql_path], check=True,
                   stdout=subprocess.DEVNULL)


def _createdb(db):
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    subprocess.run(["createdb", db], check=True)
    conn = psycopg2.connect(dbname=db)
    with conn, conn.cursor() as cur:
        cur.execute("CREATE EXTENSION metamigrate")
    conn.close()


def _dropdb(db):
    subprocess.run(["dropdb", "--if-exists", db], check=False)


def _concurrently(*calls):
    """Runs each (function, args...) in its own thread and returns their
    results in order (subprocess releases the GIL while it waits, so the
    servers' work overlaps as it does for the client)."""
    results, failures = [None] * len(calls), []

    def body(i, function, args):
        try:
            results[i] = function(*args)
        except BaseException as e:  # re-raised in the caller's thread
            failures.append(e)

    threads = [threading.Thread(target=body, args=(i, call[0], call[1:])) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise failures[0]
    return results


def _databases(n):
    """The desired database and the two targets of size n."""
    return "bench_ag_desired_%d" % n, "bench_ag_empty_%d" % n, "bench_ag_changed_%d" % n


def _metamigrate_once(client, desired_db, target_db, work):
    """autogenerate_client (bench/autogenerate_client.cpp): both snapshots
    at once, then the diff on the desired database's server, as the
    metamigrate client does it. Returns (seconds end to end, process start
    included, {phase: seconds}, upgrade statements); the phases are each
    snapshot (with its transfer to the client; they overlap) and the diff
    (with the transfer of both models to the server and of its result
    back)."""
    out_path = os.path.join(work, "autogenerate_comparison.json")
    t0 = time.perf_counter()
    run = subprocess.run([client, desired_db, target_db, out_path], check=True, stdout=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - t0
    phases = json.loads(run.stdout)
    with open(out_path) as f:
        upgrade = json.load(f)["diff"]["upgrade"]
    return seconds, {phase: phases[phase] for phase in ("snapshot_desired", "snapshot_target", "diff")}, upgrade


def _pg_dump(db):
    subprocess.run(["pg_dump", "--schema-only", "-n", "public", "-d", db], check=True, stdout=subprocess.DEVNULL)


def _pg_dump_once(desired_db, target_db):
    """The floor: pg_dump --schema-only of the same two databases (what
    reading both schemas costs PostgreSQL's own tool), both at once, as
    metamigrate takes its two snapshots."""
    t0 = time.perf_counter()
    _concurrently((_pg_dump, desired_db), (_pg_dump, target_db))
    return time.perf_counter() - t0


def _alembic_url(db):
    # Unix socket of the benchmark cluster (PGHOST is its directory).
    return "postgresql+psycopg2:///%s?host=%s&port=%s&user=%s" % (
        db, os.environ["PGHOST"], os.environ.get("PGPORT", "5432"), os.environ.get("PGUSER", "postgres"))


def _deep(function, *args):
    """Runs function(*args) in a thread with a large stack and recursion
    limit: SQLAlchemy reflects a table's foreign-key targets recursively, so
    a chain of N tables recurses N levels (RecursionError at 2,000)."""
    result, failure = [], []

    def body():
        try:
            result.append(function(*args))
        except BaseException as e:  # re-raised in the caller's thread
            failure.append(e)

    old_limit, old_stack = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(1000000)
    threading.stack_size(1 << 30)
    try:
        thread = threading.Thread(target=body)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    if failure:
        raise failure[0]
    return result[0]


def _alembic_reflect(desired_db):
    from sqlalchemy import MetaData, create_engine
    engine = create_engine(_alembic_url(desired_db))
    t0 = time.perf_counter()
    metadata = MetaData()
    metadata.reflect(bind=engine)
    seconds = time.perf_counter() - t0
    engine.dispose()
    return metadata, seconds


def _alembic_compare(metadata, target_db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine
    engine = create_engine(_alembic_url(target_db))
    try:
        with engine.connect() as conn:
            t0 = time.perf_counter()
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = compare_metadata(context, metadata)
            seconds = time.perf_counter() - t0
    finally:
        engine.dispose()
    return seconds, diffs


def _diff_kinds(diffs):
    kinds = {}
    for d in diffs:
        # A list of column changes (modify_type, ...) or a tuple (add_table, ...).
        entries = d if isinstance(d, list) else [d]
        for e in entries:
            kinds[e[0]] = kinds.get(e[0], 0) + 1
    return kinds


def _stats(samples):
    return {"min": min(samples), "median": statistics.median(samples), "max": max(samples), "n": len(samples),
            "samples": samples}


def run(client, sizes, reps, alembic_reps, work, log, keep=False):
    """Returns the "autogenerate" section of the results."""
    out = {"sizes": sizes, "runs": {}, "errors": [], "scaling": {}}
    interleave = SCALING_SMALL in sizes and SCALING_LARGE in sizes
    for n in sizes:
        desired, empty, changed = _databases(n)
        small = dict(zip(("desired", "empty", "changed"), _databases(SCALING_SMALL)))
        entry = {}
        try:
            path = os.path.join(work, "autogenerate_%d.sql" % n)
            with open(path, "w") as f:
                f.write(_tables_sql(n))
            for db in (desired, empty, changed):
                _createdb(db)
            t0 = time.perf_counter()
            _psql(desired, path)
            entry["load_desired_s"] = time.perf_counter() - t0
            _psql(changed, path)
            middle = _table(max(1, n // 2))
            conn = psycopg2.connect(dbname=changed)
            with conn, conn.cursor() as cur:
                cur.execute("ALTER TABLE %s ALTER COLUMN %s TYPE numeric(14,2)" % (middle, CHANGED_COLUMN))
            conn.close()
            for db in (desired, empty, changed):
                subprocess.run(["psql", "-X", "-q", "-d", db, "-c", "VACUUM ANALYZE"], check=True)

            metadata = None  # --alembic-reps 0: metamigrate only
            if alembic_reps > 0:
                metadata, entry["alembic_reflect_desired_s"] = _deep(_alembic_reflect, desired)
            for name, target in (("empty", empty), ("changed", changed)):
                _metamigrate_once(client, desired, target, work)  # warm-up
                _pg_dump_once(desired, target)
                runs, dumps, small_runs = [], [], []
                rescale = interleave and n == SCALING_LARGE and str(SCALING_SMALL) in out["runs"]
                if rescale:  # its databases were last read minutes ago
                    _metamigrate_once(client, small["desired"], small[name], work)
                for _ in range(reps):  # interleaved: both see the same machine load
                    runs.append(_metamigrate_once(client, desired, target, work))
                    dumps.append(_pg_dump_once(desired, target))
                    if rescale:
                        small_runs.append(_metamigrate_once(client, small["desired"], small[name], work))
                if rescale:
                    small_median = statistics.median(r[0] for r in small_runs)
                    out["scaling"][name] = {"large": [r[0] for r in runs], "small": [r[0] for r in small_runs],
                                            "ratio": statistics.median(r[0] for r in runs) / small_median}
                statements = runs[0][2]
                mm = _stats([r[0] for r in runs])
                phases = {phase: statistics.median(r[1][phase] for r in runs) for phase in runs[0][1]}
                floor = _stats(dumps)
                entry[name] = {"metamigrate": dict(mm, upgrade_statements=len(statements), phases=phases),
                               "pg_dump": floor, "ratio_over_pg_dump": mm["median"] / floor["median"]}
                log("  autogenerate %6d tables vs %-7s metamigrate median %.3fs (snapshots %.3f + %.3f s, diff %.3f s; "
                    "%d statements); pg_dump -s of both %.3fs: %.2fx"
                    % (n, name, mm["median"], phases["snapshot_desired"], phases["snapshot_target"], phases["diff"],
                       len(statements), floor["median"], mm["median"] / floor["median"]))
                if name == "changed" and not any(CHANGED_COLUMN in s for s in statements):
                    out["errors"].append("metamigrate missed the changed column at %d tables: %s" % (n, statements))
                if name == "empty" and len(statements) < n:
                    out["errors"].append("metamigrate against an empty database at %d tables: %d statements"
                                         % (n, len(statements)))
                if metadata is None:
                    continue
                a_runs = [_deep(_alembic_compare, metadata, target) for _ in range(alembic_reps)]
                al = _stats([r[0] for r in a_runs])
                kinds = _diff_kinds(a_runs[0][1])
                entry[name]["alembic"] = dict(al, diffs=len(a_runs[0][1]), diff_kinds=kinds)
                entry[name]["ratio_alembic_over_metamigrate"] = al["median"] / mm["median"]
                log("  %s alembic compare_metadata %.2fs (%d diffs: %s)   alembic / metamigrate = %.1fx"
                    % (" " * 36, al["median"], len(a_runs[0][1]),
                       ", ".join("%s %d" % kv for kv in sorted(kinds.items())), al["median"] / mm["median"]))
                if name == "changed" and kinds.get("modify_type", 0) != 1:
                    out["errors"].append("alembic did not report one modify_type at %d tables: %s" % (n, kinds))
                if name == "empty" and kinds.get("add_table", 0) != n:
                    out["errors"].append("alembic against an empty database at %d tables: %s" % (n, kinds))
            out["runs"][str(n)] = entry
        except (subprocess.CalledProcessError, psycopg2.Error, OSError, ValueError, KeyError) as e:
            out["errors"].append("autogenerate %d: %s" % (n, e))
            log("  autogenerate %d FAILED: %s" % (n, e))
        if not keep and not (interleave and n == SCALING_SMALL):
            for db in (desired, empty, changed):
                _dropdb(db)
    if interleave and not keep:
        for db in _databases(SCALING_SMALL):
            _dropdb(db)
    return out


def _scaling(section, name):
    """metamigrate's median at SCALING_LARGE tables over the one at
    SCALING_SMALL timed between those runs, and the same over the small
    size's own section minutes before (None without both sizes)."""
    runs = section["runs"]
    interleaved = section.get("scaling", {}).get(name, {}).get("ratio")
    try:
        apart = (runs[str(SCALING_LARGE)][name]["metamigrate"]["median"]
                 / runs[str(SCALING_SMALL)][name]["metamigrate"]["median"])
    except (KeyError, ZeroDivisionError):
        apart = None
    return None if interleaved is None and apart is None else (interleaved, apart)


def render(section, fmt, verdict):
    """Markdown lines of the autogenerate section."""
    if not section or not section.get("runs"):
        return []
    lines = ["", "## autogenerate: desired schema vs an empty and a one-column-changed database "
             "(wall-clock s, median; metamigrate = snapshot of both at once + diff, end to end from one client, and "
             "its phases; floor = `pg_dump --schema-only` of the same two databases at once, interleaved with it; "
             "Alembic = compare_metadata with compare_type, models reflected beforehand)", "",
             "| tables | target | metamigrate s | snapshot desired / target s | diff s | pg_dump -s s "
             "| × pg_dump | statements | Alembic s | diffs | Alembic / metamigrate "
             "| targets (2,000): ≤ 1 s, ≤ 1.0× pg_dump, ≥ 20× Alembic |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for n in sorted(int(k) for k in section["runs"]):
        entry = section["runs"][str(n)]
        for name in ("empty", "changed"):
            e = entry.get(name)
            if not e:
                continue
            mm, al, ratio = e["metamigrate"], e.get("alembic"), e.get("ratio_alembic_over_metamigrate")
            phases, floor, over_floor = mm.get("phases", {}), e.get("pg_dump"), e.get("ratio_over_pg_dump")
            target = ""
            if n == 2000:
                target = "%s, %s, %s" % (
                    verdict(mm["median"], 1.0),
                    "—" if over_floor is None else "met" if over_floor <= 1.0 else "**missed**",
                    "—" if ratio is None else "met" if ratio >= 20 else "**missed**")
            lines.append("| %d | %s | %s | %s / %s | %s | %s | %s | %d | %s | %s | %s | %s |" % (
                n, name, fmt(mm["median"]), fmt(phases.get("snapshot_desired")), fmt(phases.get("snapshot_target")),
                fmt(phases.get("diff")), fmt(floor and floor["median"]),
                fmt(over_floor, 2) + "×" if over_floor else "—", mm["upgrade_statements"],
                fmt(al and al["median"], 2), al["diffs"] if al else "—", fmt(ratio, 1) + "×" if ratio else "—",
                target))
        lines.append("| %d | (setup) | loading the desired schema with psql: %s s; Alembic reflecting it: %s s "
                     "| | | | | | | | | |"
                     % (n, fmt(entry.get("load_desired_s"), 2), fmt(entry.get("alembic_reflect_desired_s"), 2)))
    for name in ("empty", "changed"):
        scale = _scaling(section, name)
        if scale is None:
            continue
        interleaved, apart = scale
        ratio = interleaved if interleaved is not None else apart
        if interleaved is None:
            how = "(the rows above)"
        elif apart is None:
            how = "(1,000 timed again between the 10,000-table runs)"
        else:
            how = "(1,000 timed again between the 10,000-table runs; %.1f× against the 1,000-table row above)" % apart
        lines.append("- scaling, %s target: 10,000 tables take %.1f× the time of 1,000 %s (target ≤ 11×: %s)"
                     % (name, ratio, how, "met" if ratio <= 11 else "**missed**"))
    for e in section["errors"]:
        lines.append("- FAILED: " + e)
    return lines
