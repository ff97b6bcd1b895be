#!/usr/bin/env python3
"""The walk of one client command, counted on the wire.

    bench/walk.py [--json] -- metamigrate [OPTION...] COMMAND [ARG...]

Runs the command under strace, reassembles what the client sent on each
connection, and prints per connection: round trips (a simple Query, or a
pipeline ending in Sync, each waits for the server's ReadyForQuery) and
statements (Query + Parse messages), then the statement texts in order.
Needs strace (apt-get install strace). The command's own exit status is
returned; its output goes to stderr.
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

SENDTO = re.compile(r'^(\d+)\s+sendto\((\d+), "((?:\\x[0-9a-f]{2})*)"')


def streams(trace_path):
    """Bytes the client sent, per (pid, fd), in order."""
    out = {}
    with open(trace_path) as trace:
        for line in trace:
            match = SENDTO.match(line)
            if not match:
                continue
            key = (int(match.group(1)), int(match.group(2)))
            out.setdefault(key, bytearray()).extend(bytes.fromhex(match.group(3).replace("\\x", "")))
    return out


def walk(data):
    """Round trips and statements of one connection's frontend stream."""
    if len(data) < 8:
        return None
    (startup_length,) = struct.unpack("!i", data[0:4])
    pos = startup_length  # the startup packet has no type byte
    round_trips, statements = 0, []
    while pos + 5 <= len(data):
        kind = chr(data[pos])
        (length,) = struct.unpack("!i", data[pos + 1:pos + 5])
        body = bytes(data[pos + 5:pos + 1 + length])
        pos += 1 + length
        if kind == "Q":
            round_trips += 1
            statements.append(body.rstrip(b"\0").decode(errors="replace"))
        elif kind == "P":
            name_end = body.index(b"\0")
            text_end = body.index(b"\0", name_end + 1)
            statements.append(body[name_end + 1:text_end].decode(errors="replace"))
        elif kind == "S":
            round_trips += 1
    return {"round_trips": round_trips, "statements": statements}


def main(argv):
    as_json = "--json" in argv[: argv.index("--")] if "--" in argv else False
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        sys.stderr.write(__doc__)
        return 2
    command = argv[argv.index("--") + 1:]
    with tempfile.TemporaryDirectory() as tmp:
        trace = os.path.join(tmp, "trace")
        run = subprocess.run(["strace", "-f", "-qq", "-e", "trace=sendto", "-e", "signal=none", "-xx", "-s", "100000000",
                              "-o", trace] + command, stdout=sys.stderr)
        connections = [w for w in (walk(s) for s in streams(trace).values()) if w]
    if as_json:
        print(json.dumps({"connections": connections,
                          "round_trips": sum(c["round_trips"] for c in connections),
                          "statements": sum(len(c["statements"]) for c in connections)}, indent=1))
    else:
        for n, c in enumerate(connections, 1):
            print(f"connection {n}: {c['round_trips']} round trips, {len(c['statements'])} statements")
            for text in c["statements"]:
                line = " ".join(text.split())
                print("  " + (line if len(line) <= 100 else line[:97] + "..."))
        print(f"total: {sum(c['round_trips'] for c in connections)} round trips, "
              f"{sum(len(c['statements']) for c in connections)} statements")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
