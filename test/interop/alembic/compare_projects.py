"""Checks that the Alembic project and the metamigrate provider directory of
the interop fixture describe the same revisions: ids, parents, branch
labels, depends_on, and the exact SQL of both directions.

usage: /usr/bin/python3 compare_projects.py ALEMBIC_DIR METAMIGRATE_BIN PROVIDER_DIR

Prints one "ok - ..." / "not ok - ..." line per check. The Alembic side is
read with Alembic's own ScriptDirectory; the SQL is captured by calling each
revision's upgrade()/downgrade() with alembic.op.execute replaced, so no
database is needed.
"""
import json
import subprocess
import sys

import alembic.op
from alembic.script import ScriptDirectory


def as_list(value):
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return sorted(value)


def captured_sql(function):
    statements = []
    original = alembic.op.execute
    alembic.op.execute = lambda sql, *args, **kwargs: statements.append(str(sql).strip())
    try:
        function()
    finally:
        alembic.op.execute = original
    return "\n".join(statements)


def alembic_side(directory):
    scripts = ScriptDirectory(directory)
    revisions = {}
    for script in scripts.walk_revisions():
        module = script.module
        revisions[script.revision] = {
            "down_revision": as_list(module.down_revision),
            "branch_labels": as_list(module.branch_labels),
            "depends_on": as_list(module.depends_on),
            "upgrade_sql": captured_sql(module.upgrade),
            "downgrade_sql": captured_sql(module.downgrade),
        }
    return revisions


def metamigrate_side(binary, provider):
    def run(*args):
        out = subprocess.run([binary, "--provider", provider, "--json", *args], check=True,
                             capture_output=True, text=True, timeout=60).stdout
        return json.loads(out)

    revisions = {}
    for entry in run("history")["revisions"]:
        shown = run("show", entry["revision"])
        revisions[entry["revision"]] = {
            "down_revision": sorted(shown["down_revision"]),
            "branch_labels": sorted(shown["branch_labels"]),
            "depends_on": sorted(shown["depends_on"]),
            "upgrade_sql": shown["upgrade_sql"].strip(),
            "downgrade_sql": shown["downgrade_sql"].strip(),
        }
    return revisions


def main():
    alembic_dir, binary, provider = sys.argv[1:4]
    failed = 0

    def report(ok, text):
        nonlocal failed
        print(("ok - " if ok else "not ok - ") + text)
        failed += 0 if ok else 1

    al = alembic_side(alembic_dir)
    mm = metamigrate_side(binary, provider)
    report(sorted(al) == sorted(mm),
           "same revision ids in both projects (alembic: %s; metamigrate: %s)"
           % (",".join(sorted(al)), ",".join(sorted(mm))))
    for rev in sorted(set(al) & set(mm)):
        differing = [key for key in al[rev] if al[rev][key] != mm[rev][key]]
        details = "".join("\n    %s: alembic %r, metamigrate %r" % (key, al[rev][key], mm[rev][key])
                          for key in differing)
        report(not differing, "%s: same parents, branch labels, depends_on, upgrade and downgrade SQL%s"
               % (rev, details))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
