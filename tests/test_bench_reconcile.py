"""bench/reconcile.py in its quick form, as CI runs it: it repairs every row it put out of
step on SQLite and PostgreSQL, its statements do not grow with the data, and it ends with its
verdict line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_quick_reconcile_benchmark_repairs_its_worlds_with_flat_statements(
        postgres_admin_url):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PACT_TEST_POSTGRES_URL": postgres_admin_url}
    run = subprocess.run([sys.executable, "bench/reconcile.py", "--quick"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    lines = run.stdout.strip().splitlines()
    assert lines[-1].startswith("verdict: OK - statements flat, everything out of step "
                                "repaired"), run.stdout + run.stderr
    assert run.returncode == 0
    passes = [line for line in lines if " teams: " in line]
    assert [line.split()[:3] for line in passes] == [
        ["sqlite", "1x", "40"], ["sqlite", "10x", "400"],
        ["postgresql", "1x", "40"], ["postgresql", "10x", "400"]]
    for line in passes:
        repaired = line.split("out of step ")[1].split(";")[0]
        before, after = (int(n) for n in repaired.split(" -> "))
        assert before > 50 and after == 0, line  # all of it was out of step, none is now
        assert line.endswith(" 0 fixed"), line  # and a second pass finds nothing left
