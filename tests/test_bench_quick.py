"""The tick and surfaces benchmarks in their quick form, as CI runs them so they cannot rot:
every check-in delivered once (nothing lost or doubled, also under Slack's rate limits), and
every surface within its statements, each ending with its verdict line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def test_the_quick_tick_benchmark_delivers_every_check_in_once():
    run = _run("bench/tick.py", "--quick")
    out = run.stdout
    assert run.returncode == 0, out + run.stderr
    delivered = re.findall(r"Pact delivered ([\d,]+) \(emulator: ([\d,]+), doubles (\d+)\)", out)
    assert delivered == [("200", "200", "0"), ("400", "400", "0")], out
    assert "delivered 12/12, doubles 0" in out and "violations []" in out, out
    assert re.search(r"multiple \d+\.\d+x", out), out  # the figure is printed, not judged
    assert out.strip().splitlines()[-1] == "verdict: all targets met", out


def test_the_quick_surfaces_benchmark_keeps_every_surface_within_its_statements(
        postgres_admin_url):
    run = _run("bench/surfaces.py", "--quick", "--database", "both",
               env={"PACT_TEST_POSTGRES_URL": postgres_admin_url})
    out = run.stdout
    assert run.returncode == 0, out + run.stderr
    counts = [int(n) for n in re.findall(r"(\d+) statements  p50", out)]
    assert len(counts) == 2 * 4 * 5 and max(counts) <= 30, out  # 2 backends, 4 worlds, 5 surfaces
    assert out.strip().splitlines()[-1].startswith(
        "verdict: every surface within 30 statements, the same at every size"), out
