"""Benchmark: `docclean check` over a folder of files, with one process and with several.

    PYTHONPATH=. python bench/folder.py                 # 48 files of 100 kB, -j 1 and -j <CPUs>
    PYTHONPATH=. python bench/folder.py --files 96 --kb 50 --jobs 1 2 4

The files are cut from the same text as bench/throughput.py (the clean corpus in
../shared/corpus/clean/, in equal slices at line breaks). Each run is a fresh `python -m docclean
check --format json --exit-zero` over the folder, timed by the wall clock (start-up and loading
the rules included, as a user sees it), so the figures show what the worker processes gain
over one process on this machine. A benchmark, not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import CORPUS, build_text


def write_files(folder: Path, files: int, kb: int) -> int:
    """Write ``files`` files of about ``kb`` kB each; return their total UTF-8 size."""
    text = build_text(files * kb / 1000, CORPUS)
    lines = text.splitlines(keepends=True)
    per_file = len(lines) // files
    total = 0
    for n in range(files):
        chunk = "".join(lines[n * per_file : (n + 1) * per_file]).encode("utf-8")
        (folder / f"doc{n:03d}.txt").write_bytes(chunk)
        total += len(chunk)
    return total


def run(folder: Path, jobs: int) -> tuple[float, str]:
    """Wall seconds of one check over ``folder`` and a digest of its report."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[1]),
                                                        os.environ.get("PYTHONPATH", "")])}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "docclean", "check", "--format", "json", "--exit-zero",
                           "-j", str(jobs), str(folder)], capture_output=True, env=env, check=True)
    return time.perf_counter() - start, hashlib.sha256(done.stdout).hexdigest()[:12]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=48)
    ap.add_argument("--kb", type=int, default=100)
    ap.add_argument("--jobs", type=int, nargs="+", default=None,
                    help="process counts to time (default: 1 and all CPUs)")
    args = ap.parse_args()
    if not CORPUS.is_dir():
        print(f"needs the clean corpus in {CORPUS}", file=sys.stderr)
        return 2
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    counts = args.jobs or sorted({1, cpus})
    with tempfile.TemporaryDirectory(prefix="docclean-bench-") as tmp:
        folder = Path(tmp)
        size = write_files(folder, args.files, args.kb)
        print(f"python {sys.version.split()[0]}, {cpus} CPUs; {args.files} files, {size / 1e6:.1f} MB")
        print(f"{'jobs':>5} {'wall s':>8} {'MB/s':>6} {'speed-up':>9}  report")
        base = None
        for jobs in counts:
            wall, digest = min(run(folder, jobs) for _ in range(2))
            base = base or wall
            print(f"{jobs:>5} {wall:>8.2f} {size / 1e6 / wall:>6.2f} {base / wall:>8.2f}×  {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
