"""Throughput and memory of ``docclean.clean()`` on large Chinese text (a benchmark, not a test).

Run from the repository root::

    PYTHONPATH=. python bench/throughput.py                 # 1, 10 and 100 MB
    PYTHONPATH=. python bench/throughput.py --sizes 1 10    # fewer sizes
    PYTHONPATH=. python bench/throughput.py --tracemalloc   # also Python-heap peaks (slower)
    PYTHONPATH=. python bench/throughput.py --junk          # text strewn with reseller lines

See bench/README.md for how to read the output.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "clean"
SEED = ROOT.parent / "shared" / "examples" / "seed" / "report.txt"
WILD = ROOT.parent / "shared" / "corpus" / "boilerplate-wild.tsv"
MB = 1_000_000


SLICES = 64  # each corpus file is cut into this many slices (at line breaks), taken in rounds


def build_text(size_mb: float, corpus: Path) -> str:
    """Interleave the corpus files up to ``size_mb`` UTF-8 MB, with the same mix at every size.

    Each file (sorted by name) is cut at line breaks into ``SLICES`` slices of about equal size;
    round *r* is slice *r* of every file, and the rounds repeat from the start when the corpus is
    used up. So 1, 10 and 100 MB hold novels, laws, news and technical text in the same
    proportions, and a change of throughput with size comes from the size, not from the mix."""
    files = sorted(corpus.glob("*.txt"))
    if not files:
        sys.exit(f"no corpus: {corpus} has no .txt files (it comes with the shared corpus checkout)")
    texts = [p.read_text(encoding="utf-8") for p in files]
    sliced = [_slices(t if t.endswith("\n") else t + "\n", SLICES) for t in texts if t]
    rounds = ["".join(s[r] for s in sliced) for r in range(SLICES)]
    target = int(size_mb * MB)
    out: list[str] = []
    total = 0
    while total < target:
        for piece in rounds:
            n = len(piece.encode("utf-8"))
            if total + n > target:
                # Cut the last piece at a line break so the text stays well formed.
                cut = piece.encode("utf-8")[: target - total].decode("utf-8", "ignore")
                out.append(cut[: cut.rfind("\n") + 1])
                return "".join(out)
            out.append(piece)
            total += n
    return "".join(out)


JUNK_EVERY = 25  # with --junk: a reseller line after every this many lines, glued to one in twice as many


def add_junk(text: str, wild: Path) -> str:
    """``text`` with the reseller lines of ``wild`` (a TSV whose first column is the line) put
    in, in turn: one on a line of its own after every ``JUNK_EVERY`` lines, and one glued to the
    end of every ``2 * JUNK_EVERY``-th line (the short ones only), as a copy from a reseller
    carries them. Deterministic, so every run cleans the same text."""
    rows = [ln.split("\t", 1)[0].strip() for ln in wild.read_text(encoding="utf-8").splitlines()[1:]]
    junk = [r for r in rows if r]
    glued = [r for r in junk if len(r) <= 20]
    if not junk or not glued:
        sys.exit(f"no reseller lines in {wild}")
    out: list[str] = []
    for i, line in enumerate(text.split("\n")):
        if i and i % (2 * JUNK_EVERY) == 0 and line.strip():
            line += glued[(i // (2 * JUNK_EVERY)) % len(glued)]
        out.append(line)
        if i % JUNK_EVERY == JUNK_EVERY - 1:
            out.append(junk[(i // JUNK_EVERY) % len(junk)])
    return "\n".join(out)


def _slices(text: str, count: int) -> list[str]:
    """``text`` cut into ``count`` pieces of about equal length, each ending at a line break
    (pieces may be empty when the text has few lines)."""
    out: list[str] = []
    start = 0
    for k in range(1, count + 1):
        end = len(text) if k == count else text.find("\n", max(start, len(text) * k // count)) + 1
        if end <= 0:
            end = len(text)
        out.append(text[start:end])
        start = end
    return out


def _maxrss_bytes() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def _current_rss_bytes() -> int:
    try:
        statm = Path("/proc/self/statm").read_text(encoding="ascii")
        return int(statm.split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):  # not Linux: fall back to the high-water mark
        return _maxrss_bytes()


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark to the current RSS (Linux ≥ 4.0); False if impossible."""
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    except OSError:
        return False
    return _peak_rss_bytes() is not None


def _peak_rss_bytes() -> int | None:
    """VmHWM from /proc/self/status, in bytes."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


def _read_chunked(path: Path) -> str:
    """Read a UTF-8 file without holding its bytes and its text at once (keeps the RSS
    high-water mark before clean() close to the size of the text itself)."""
    parts = []
    with path.open(encoding="utf-8", newline="") as f:
        while chunk := f.read(1 << 20):
            parts.append(chunk)
    return "".join(parts)


def measure(path: Path, trace: bool) -> dict[str, float]:
    """One clean() call on the text in ``path``, in this (fresh) process."""
    import docclean
    from docclean.api import default_rules

    default_rules()  # load and compile the rules outside the timed region
    text = _read_chunked(path)
    nbytes = path.stat().st_size
    result: dict[str, float] = {"mb": nbytes / MB, "chars": len(text), "input_bytes": nbytes}
    reset = _reset_peak_rss()
    rss_before = _current_rss_bytes()
    w0, c0 = time.perf_counter(), time.process_time()
    r = docclean.clean(text, fix="safe", max_removal=1.0)
    result["seconds"] = time.perf_counter() - w0
    result["cpu_seconds"] = time.process_time() - c0
    peak = _peak_rss_bytes() if reset else None
    result["rss_peak_over_start"] = max(0, (peak if peak is not None else _maxrss_bytes()) - rss_before)
    result["findings"] = len(r.findings)
    result["applied"] = sum(f.applied for f in r.findings)
    del r
    if trace:
        import tracemalloc

        tracemalloc.start()
        r = docclean.clean(text, fix="safe", max_removal=1.0)
        result["trace_peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del r
    return result


def cli_wall(python: str) -> tuple[str, float]:
    """Wall time of one check of the seed example, interpreter start included (best of 5)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if (ROOT / "docclean" / "cli.py").exists():
        cmd = [python, "-m", "docclean", "check", str(SEED)]
        label = "python -m docclean check seed/report.txt"
    else:
        cmd = [python, "-c", f"import docclean; docclean.clean(open({str(SEED)!r}, encoding='utf-8').read())"]
        label = "python -c 'import docclean; docclean.clean(seed)' (no cli.py here)"
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        best = min(best, time.perf_counter() - t0)
    return label, best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[1, 10, 100], help="sizes in MB (UTF-8)")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--tracemalloc", action="store_true", help="also measure the Python heap peak (slow)")
    ap.add_argument("--junk", action="store_true",
                    help=f"strew reseller lines from {WILD.name} through the text (about 3.5%% more text)")
    ap.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # internal: measure one file
    args = ap.parse_args(argv)

    if args.one is not None:
        print(json.dumps(measure(args.one, args.tracemalloc)))
        return 0
    if not args.corpus.is_dir() or not any(args.corpus.glob("*.txt")):
        print(f"corpus not found: {args.corpus} (the benchmark reads the shared clean corpus)",
              file=sys.stderr)
        return 2
    if args.junk and not WILD.is_file():
        print(f"reseller lines not found: {WILD}", file=sys.stderr)
        return 2

    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), "?") if Path("/proc/cpuinfo").exists() else "?"
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {cpu}")
    header = f"{'size':>8} {'wall s':>8} {'cpu s':>8} {'MB/s':>7} {'peak+ MB':>9} {'peak/in':>7}"
    if args.tracemalloc:
        header += f" {'heap MB':>8} {'heap/in':>8}"
    print(header + f" {'findings':>9}")
    rate: dict[float, float] = {}
    with tempfile.TemporaryDirectory(prefix="docclean-bench-") as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"{size:g}MB.txt"
            text = build_text(size, args.corpus)
            path.write_text(add_junk(text, WILD) if args.junk else text, encoding="utf-8", newline="")
            cmd = [sys.executable, __file__, "--one", str(path)]
            if args.tracemalloc:
                cmd.append("--tracemalloc")
            out = subprocess.run(cmd, capture_output=True, text=True, check=False)
            path.unlink()
            if out.returncode:
                print(f"{size:>6g}MB failed:\n{out.stderr}", file=sys.stderr)
                return 1
            m = json.loads(out.stdout)
            rate[size] = m["mb"] / m["cpu_seconds"]
            peak = m["rss_peak_over_start"]
            line = (f"{m['mb']:>6.1f}MB {m['seconds']:>8.2f} {m['cpu_seconds']:>8.2f} {rate[size]:>7.1f} "
                    f"{peak / MB:>9.1f} {peak / m['input_bytes']:>7.2f}")
            if args.tracemalloc:
                line += f" {m['trace_peak'] / MB:>8.1f} {m['trace_peak'] / m['input_bytes']:>8.2f}"
            print(line + f" {int(m['findings']):>9}", flush=True)
    if 10 in rate and 100 in rate:
        print(f"100MB/10MB throughput ratio (CPU): {rate[100] / rate[10]:.2f}")
    label, wall = cli_wall(sys.executable)
    print(f"seed example wall time: {wall:.3f} s  [{label}]")
    print(f"this machine: {calibration(args.corpus):.1f} MB/s for one scan of {REFERENCE_SCAN}"
          " over 10 MB (stdlib re; compare clean() with it across machines)")
    return 0


REFERENCE_SCAN = r"([\u4e00-\u9fff]{3,12})\1"


def calibration(corpus: Path) -> float:
    """MB/s (CPU) of one ``re`` scan for a doubled Han phrase over the 10 MB sample: the kind of
    scan clean() runs several dozen of, timed alone, so figures from different machines can be
    compared as ratios."""
    import re

    text = build_text(10, corpus)
    pattern = re.compile(REFERENCE_SCAN)
    best = float("inf")
    for _ in range(3):
        c0 = time.process_time()
        for _m in pattern.finditer(text):
            pass
        best = min(best, time.process_time() - c0)
    return len(text.encode("utf-8")) / MB / best


if __name__ == "__main__":
    sys.exit(main())
