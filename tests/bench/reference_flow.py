"""`make bench`: the wall time of the reference flow (PRODUCT.md §2, all 14 steps) across the separate service
processes, as tests/e2e/test_reference_flow.py runs it. Figures only: the platform's start-up is printed apart.

    .venv/bin/python tests/bench/reference_flow.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST = "tests/e2e/test_reference_flow.py::test_reference_flow"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "flow.xml"
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", TEST],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - started
        case = ET.parse(report).find(".//testcase") if report.exists() else None
    print("\nWebdPro bench — the reference flow, 14 steps end to end (loopback, 2 cores)")
    if done.returncode != 0 or case is None:
        print(f"  the flow failed (exit {done.returncode}):\n{done.stdout[-2000:]}")
        return 0
    flow = float(case.get("time", "0"))
    print(
        f"  the flow itself {flow:.1f} s; with the platform's start-up and stop {wall:.1f} s (target ≤ 10 min)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
