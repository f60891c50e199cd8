"""Command line: ``docclean check``, ``docclean clean`` and ``docclean rules``.

Exit codes (see docs/output.md): 0 = nothing at or above ``--fail-on``; 1 = findings at or
above it; 2 = usage, input, decode, rule-file or refused-cleaning error.
"""

from __future__ import annotations

import argparse
import difflib
import fnmatch
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from . import __version__, parallel
from .api import TYPE_OF_SUFFIX, CleanedFile, clean_decoded, clean_file, file_type
from .config import Config, find_config, load_config
from .errors import DoccleanError
from .model import FileReport, FixMode, Result
from .rules import RuleSet, load_rules
from .walk import walk

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
DEFAULT_INCLUDE = tuple(f"*{s}" for s in TYPE_OF_SUFFIX)
FILE_TYPES = ("txt", "md", "docx")
_LEVELS = {"info": 0, "warning": 1, "error": 2, "never": 99}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"docclean: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_ERROR)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--select", action="append", default=[], metavar="RULES",
                   help="only these rules (ids, id prefixes, names or categories; comma-separated)")
    p.add_argument("--ignore", action="append", default=[], metavar="RULES", help="skip these rules")
    p.add_argument("--rules", action="append", default=[], metavar="FILE", type=Path,
                   help="extra rule file or folder (adds rules, overrides bundled ones)")
    p.add_argument("--config", type=Path, help="config file (default: nearest docclean.toml or pyproject.toml)")
    p.add_argument("--no-config", action="store_true", help="ignore config files")
    p.add_argument("--encoding", help="force the text encoding of the input files (e.g. gb18030)")
    p.add_argument("--include", action="append", default=[], metavar="GLOB",
                   help=f"file globs to take from folders (default: {' '.join(DEFAULT_INCLUDE)})")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="globs to skip in folders")
    p.add_argument("--unsafe-fixes", action="store_true", help="also apply fixes marked unsafe")
    p.add_argument("--remove-picture-watermarks", action="store_true",
                   help=".docx: also remove picture watermarks and page background images")
    p.add_argument("--allow", action="append", default=[], metavar="WORD",
                   help="a word never to report (e.g. a product called X科技)")
    p.add_argument("--type", choices=FILE_TYPES, default=None,
                   help="read every input as this type (default: by extension; others are skipped)")
    p.add_argument("-j", "--jobs", type=_count, default=1, metavar="N",
                   help="clean N files at a time in separate processes (0: one per CPU; default 1)")
    p.add_argument("--no-gitignore", action="store_true",
                   help="also check files that .gitignore ignores when walking folders")


def _count(value: str) -> int:
    """``--jobs``: a whole number, 0 or more."""
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, 0 or more, got {value!r}")
    return n


def _share(value: str) -> float:
    """A share of a document for --max-removal: a number greater than 0 and at most 1."""
    try:
        share = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0 < share <= 1:  # also rejects nan
        raise argparse.ArgumentTypeError(f"must be greater than 0 and at most 1, not {value}")
    return share


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = _Parser(prog="docclean", description="Clean resold document templates.")
    parser.add_argument("--version", action="version", version=f"docclean {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = sub.add_parser("check", help="report findings; exit 1 when any reach --fail-on")
    check.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, or - for stdin")
    _common(check)
    check.add_argument("--format", default="text", help="text, json, sarif, github, rdjson or codequality")
    check.add_argument("--fail-on", choices=("info", "warning", "error", "never"), default=None,
                       help="lowest severity that fails the check (default: warning)")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument("--output", type=Path, help="write the report to this file instead of stdout")
    changed = check.add_mutually_exclusive_group()
    changed.add_argument("--diff-base", metavar="REV",
                         help="report only findings on lines changed since the git revision REV")
    changed.add_argument("--changed-only", action="store_true",
                         help="like --diff-base with the merge-base of HEAD and the default branch")
    check.add_argument("--baseline", type=Path, metavar="FILE",
                       help="do not report the findings recorded in this baseline file")
    check.add_argument("--write-baseline", type=Path, metavar="FILE",
                       help="record every current finding in FILE and exit 0")

    fix = sub.add_parser("clean", help="write cleaned files (stdout for a single file by default)")
    fix.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, or - for stdin")
    _common(fix)
    where = fix.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", type=Path, help="output file (one input) or folder (several)")
    where.add_argument("--in-place", action="store_true", help="overwrite each input file")
    where.add_argument("--diff", action="store_true", help="print a unified diff and write nothing")
    fix.add_argument("--to-utf8", action="store_true", help="write UTF-8 instead of the input encoding")
    fix.add_argument("--max-removal", type=_share, default=None,
                     help="refuse a cleaning that removes more than this share of a file (default 0.3)")

    rules = sub.add_parser("rules", help="list rules, show one, print the catalogue (doc), run examples (test)")
    rules.add_argument("action", nargs="?", default="list", choices=("list", "show", "test", "doc"))
    rules.add_argument("rule_id", nargs="?", help="rule id for 'show'")
    rules.add_argument("--rules", action="append", default=[], metavar="FILE", type=Path)
    return parser


@dataclass(frozen=True, slots=True)
class _Settings:
    ruleset: RuleSet
    config: Config
    mode: FixMode
    allow: tuple[str, ...]


def _split(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(v.strip() for item in values for v in item.split(",") if v.strip())


def _settings(args: argparse.Namespace) -> _Settings:
    config = Config()
    if not args.no_config:
        path = args.config if args.config else find_config(Path.cwd())
        if args.config and not args.config.is_file():
            raise DoccleanError(f"{args.config}: config file not found")
        config = load_config(path)
    ruleset = load_rules(*config.rules, *args.rules, overrides=config.overrides or None)
    select = _split(args.select) or config.select
    ignore = (*config.ignore, *_split(args.ignore))
    if select or ignore:
        ruleset = ruleset.select(select, ignore)
    mode = FixMode.UNSAFE if args.unsafe_fixes else FixMode.SAFE
    return _Settings(ruleset, config, mode, (*config.allow, *args.allow))


def _files(args: argparse.Namespace, s: _Settings) -> list[str]:
    return list(walk(args.paths, args.include or s.config.include or DEFAULT_INCLUDE,
                     (*s.config.exclude, *args.exclude), gitignore=not args.no_gitignore,
                     base=s.config.path.parent if s.config.path is not None else None))


def _known(files: list[str], args: argparse.Namespace) -> list[str]:
    """``files`` without those of unknown type, each noted on stderr."""
    out = []
    for f in files:
        if file_type(f, args.type) is None:
            print(f"docclean: skipping {f}: unknown file type (use --type txt|md|docx to force one)",
                  file=sys.stderr)
        else:
            out.append(f)
    return out


def _ruleset_for(path: str, s: _Settings) -> RuleSet:
    """The rule set for one file: ``per-file-ignores`` globs match its path relative to the
    config file's folder (or the working folder), as given, or its name."""
    base = s.config.path.parent if s.config.path is not None else Path.cwd()
    try:
        from_base = Path(path).resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        from_base = Path(path).as_posix()
    ignored = [rules for glob, rules in s.config.per_file_ignores.items()
               if any(fnmatch.fnmatch(candidate, glob)
                      for candidate in (from_base, Path(path).as_posix(), Path(path).name))]
    if not ignored:
        return s.ruleset
    return s.ruleset.select((), [r for group in ignored for r in group])


def _clean_one(path: str, s: _Settings, args: argparse.Namespace, max_removal: float,
               as_path: str | None = None) -> CleanedFile:
    """Clean ``path``, read and configured as ``as_path`` when given (e.g. an old version)."""
    ruleset = _ruleset_for(as_path or path, s)
    kind = file_type(as_path or path, args.type)
    to_utf8 = getattr(args, "to_utf8", False)
    if path == "-":
        if kind == "docx":
            raise DoccleanError("a Word document cannot be read from stdin; name the file")
        from .sources import decode_bytes

        decoded = decode_bytes(sys.stdin.buffer.read(), encoding=args.encoding, name="<stdin>")
        return clean_decoded(decoded, "-", rules=ruleset, fix=s.mode, max_removal=max_removal, allow=s.allow,
                             markdown=kind == "md", to_utf8=to_utf8)
    return clean_file(path, rules=ruleset, fix=s.mode, max_removal=max_removal, allow=s.allow,
                      encoding=args.encoding, to_utf8=to_utf8, kind=kind,
                      remove_picture_watermarks=getattr(args, "remove_picture_watermarks", False))


def _progress(done: int, total: int) -> None:
    if total > 1 and sys.stderr.isatty():
        print(f"\r{done}/{total} files", end="" if done < total else "\n", file=sys.stderr, flush=True)


def cmd_check(args: argparse.Namespace) -> int:
    """Report findings in every file; the exit code follows --fail-on."""
    from .formats import FORMATS, render, use_color

    if args.format not in FORMATS:
        raise DoccleanError(f"unknown format {args.format!r} (choose from {', '.join(FORMATS)})")
    s = _settings(args)
    baseline = None
    if args.baseline is not None and args.write_baseline is None:
        from .baseline import Baseline

        baseline = Baseline.load(args.baseline)
    files = _known(_files(args, s), args)
    reports: list[FileReport] = []
    checked = parallel.run(_check_task, files, (s, args), partial(_worker_settings, args), _jobs(args, files))
    for n, (report, notes) in enumerate(checked, 1):
        for note in notes:
            print(note, file=sys.stderr)
        if report is not None:
            reports.append(report)
        _progress(n, len(files))
    if args.write_baseline is not None:
        from .baseline import write_baseline

        count = write_baseline(args.write_baseline, [r for r in reports if not r.error])
        print(f"docclean: recorded {count} findings in {args.write_baseline}", file=sys.stderr)
        return EXIT_ERROR if any(r.error for r in reports) else EXIT_OK
    if args.diff_base is not None or args.changed_only:
        reports = _only_changed(reports, s, args)
    if baseline is not None:
        reports, dropped = baseline.filter(reports)
        if dropped:
            print(f"docclean: {dropped} findings in baseline {args.baseline} not reported", file=sys.stderr)
    out_stream = sys.stdout if args.output is None else None
    color = out_stream is not None and args.format == "text" and use_color(sys.stdout)
    output = render(args.format, reports, {r.id: r for r in s.ruleset}, color=color, tool_version=__version__)
    if args.output is not None:
        from .sources import write_atomic

        write_atomic(args.output, output.encode("utf-8"))
    else:
        sys.stdout.write(output if output.endswith("\n") or not output else output + "\n")
    if any(r.error for r in reports):
        return EXIT_ERROR
    threshold = _LEVELS[args.fail_on or s.config.fail_on or "warning"]
    failing = any(f.severity.rank >= threshold for r in reports for f in r.findings)
    return EXIT_FINDINGS if failing and not args.exit_zero else EXIT_OK


def _jobs(args: argparse.Namespace, files: Sequence[str]) -> int:
    """How many processes to ask for: ``--jobs``, but one when stdin is an input."""
    return 1 if "-" in files else args.jobs


def _worker_settings(args: argparse.Namespace) -> tuple[_Settings, argparse.Namespace]:
    """A worker process's context for ``_check_task``: the settings, built afresh."""
    return _settings(args), args


def _check_task(path: str, context: tuple[_Settings, argparse.Namespace]) -> tuple[FileReport | None, list[str]]:
    """Check one file: its report (``None``: skipped) and the notes for stderr."""
    s, args = context
    try:
        cf = _clean_one(path, s, args, 1.0)
    except DoccleanError as exc:
        if file_type(path, args.type) == "docx" and "not available" in str(exc):
            return None, [f"docclean: skipping {path}: {exc}"]
        return FileReport(path, error=str(exc)), []
    source = cf.result.original if file_type(path, args.type) != "docx" else None
    return FileReport(path, cf.findings, cf.encoding, source), []


def _only_changed(reports: list[FileReport], s: _Settings, args: argparse.Namespace) -> list[FileReport]:
    """Keep findings on lines changed since --diff-base (or the --changed-only base); in a changed
    binary file (.docx), keep the findings the file's version at that revision did not have."""
    from .gitdiff import BINARY, changed_lines, default_base, touches

    rev = args.diff_base if args.diff_base is not None else default_base(Path.cwd())
    changed = changed_lines([r.path for r in reports if not r.error], rev)
    out = []
    for r in reports:
        lines = changed.get(r.path)
        if lines is None:
            out.append(r)
        elif lines is BINARY:
            out.append(_new_since(r, rev, s, args))
        else:
            out.append(replace(r, findings=tuple(f for f in r.findings
                                                 if touches(f.line, f.end_line, f.end_column, lines))))
    return out


def _new_since(report: FileReport, rev: str, s: _Settings, args: argparse.Namespace) -> FileReport:
    """``report`` without the findings (by content fingerprint) of the file's version at ``rev``."""
    import tempfile

    from .baseline import Baseline
    from .gitdiff import old_version

    data = old_version(report.path, rev)
    if data is None:
        return report
    with tempfile.TemporaryDirectory(prefix="docclean-") as tmp:
        old_path = Path(tmp) / f"old{Path(report.path).suffix}"
        old_path.write_bytes(data)
        try:
            cf = _clean_one(str(old_path), s, args, 1.0, as_path=report.path)
        except DoccleanError:
            return report
        source = cf.result.original if file_type(report.path, args.type) != "docx" else None
        old = FileReport(report.path, cf.findings, cf.encoding, source)
    return Baseline.from_reports([old], Path.cwd()).filter([report])[0][0]


def cmd_clean(args: argparse.Namespace) -> int:
    """Write cleaned files, print them, or print a diff."""
    s = _settings(args)
    files = _known(_files(args, s), args)
    max_removal = args.max_removal if args.max_removal is not None else (s.config.max_removal or 0.3)
    to_stdout = not (args.output or args.in_place or args.diff)
    if to_stdout and len(files) != 1:
        raise DoccleanError("several inputs: give -o FOLDER, --in-place or --diff")
    if args.in_place and "-" in files:
        raise DoccleanError("--in-place cannot write to stdin")
    out_dir = args.output if args.output is not None and (len(files) > 1 or args.output.is_dir()) else None
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise DoccleanError(f"{out_dir}: several inputs need -o to name a folder")
    targets = _targets(files, out_dir) if out_dir is not None else {}
    plan = _Plan(max_removal, to_stdout, out_dir, targets)
    status = EXIT_OK
    cleaned = parallel.run(_clean_task, files, (s, args, plan), partial(_worker_plan, args, plan), _jobs(args, files))
    for n, outcome in enumerate(cleaned, 1):
        if outcome.diff:
            sys.stdout.write(outcome.diff)
        if outcome.data is not None:
            sys.stdout.flush()
            sys.stdout.buffer.write(outcome.data)
            sys.stdout.buffer.flush()
        for note in outcome.notes:
            print(note, file=sys.stderr)
        status = max(status, outcome.status)
        _progress(n, len(files))
    return status


@dataclass(frozen=True, slots=True)
class _Plan:
    """Where ``docclean clean`` puts each result."""

    max_removal: float
    to_stdout: bool
    out_dir: Path | None
    targets: dict[str, Path]


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What cleaning one file printed: a diff, the cleaned bytes for stdout, notes for stderr."""

    status: int = EXIT_OK
    diff: str = ""
    data: bytes | None = None
    notes: list[str] = field(default_factory=list)


def _worker_plan(args: argparse.Namespace, plan: _Plan) -> tuple[_Settings, argparse.Namespace, _Plan]:
    """A worker process's context for ``_clean_task``: the settings, built afresh."""
    return _settings(args), args, plan


def _clean_task(path: str, context: tuple[_Settings, argparse.Namespace, _Plan]) -> _Outcome:
    """Clean one file and write it where the plan says (or return it for stdout)."""
    s, args, plan = context
    try:
        if file_type(path, args.type) == "docx" and (plan.to_stdout or args.diff):
            raise DoccleanError(f"{path}: a .docx result needs -o OUT or --in-place "
                                "(use 'docclean check' to see what would change)")
        cf = _clean_one(path, s, args, plan.max_removal)
        if args.diff:
            return _Outcome(diff=_diff(path, cf.result))
        if plan.to_stdout:
            return _Outcome(data=cf.data())
        target = Path(path) if args.in_place else (plan.targets[path] if plan.out_dir else args.output)
        target.parent.mkdir(parents=True, exist_ok=True)
        if cf.changed or not args.in_place:
            cf.write(target)
        notes = [f"{path}: note: {notice}" for notice in cf.notices]
        applied = sum(1 for f in cf.findings if f.applied)
        notes.append(f"{path}: {applied} fixes applied, {len(cf.findings) - applied} left"
                     + ("" if cf.changed else " (unchanged)"))
        return _Outcome(notes=notes)
    except DoccleanError as exc:
        return _Outcome(EXIT_ERROR, notes=[f"docclean: error: {exc}"])
    except OSError as exc:
        return _Outcome(EXIT_ERROR, notes=[f"docclean: error: {path}: cannot write the cleaned file "
                                           f"({exc.strerror or exc})"])


def _targets(files: Sequence[str], out_dir: Path) -> dict[str, Path]:
    """Where each input goes under ``out_dir``: its path relative to the inputs' common folder."""
    real = [f for f in files if f != "-"]
    if "-" in files:
        raise DoccleanError("stdin cannot be cleaned into a folder; use -o FILE")
    if not real:
        return {}
    absolute = {f: Path(f).absolute() for f in real}
    common = Path(os.path.commonpath([a.parent for a in absolute.values()]))
    targets = {f: out_dir / a.relative_to(common) for f, a in absolute.items()}
    if len(set(targets.values())) != len(targets):
        raise DoccleanError("two inputs would be written to the same output file")
    return targets


def _diff(path: str, result: Result) -> str:
    """A unified diff of the cleaning, as ``diff -u`` prints it."""
    diff = difflib.unified_diff(result.original.splitlines(keepends=True), result.text.splitlines(keepends=True),
                                fromfile=path, tofile=f"{path} (cleaned)")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in diff)


def cmd_rules(args: argparse.Namespace) -> int:
    """List rules, show one rule's documentation, print the catalogue, or run every rule's examples."""
    from .ruledoc import fix_label, render_catalogue, render_rule

    ruleset = load_rules(*args.rules)
    if args.action == "list":
        for r in ruleset:
            fix = fix_label(r)
            state = "" if r.enabled else "  [off by default]"
            print(f"{r.id}  {r.name:<28} {r.category:<12} {r.severity.value:<8} {fix:<16}{state}")
        return EXIT_OK
    if args.action == "show":
        if not args.rule_id:
            raise DoccleanError("'rules show' needs a rule id, e.g. docclean rules show BP001")
        try:
            r = ruleset.get(args.rule_id.upper())
        except KeyError:
            raise DoccleanError(f"unknown rule {args.rule_id!r} (see 'docclean rules')") from None
        print(render_rule(r))
        return EXIT_OK
    if args.action == "doc":
        sys.stdout.write(render_catalogue(ruleset))
        return EXIT_OK
    from .selftest import check_rule

    failures = [f for r in ruleset for f in check_rule(r, ruleset)]
    for f in failures:
        print(f)
    failed_examples = {(f.rule, f.test) for f in failures if f.test > 0}
    passed = sum(len(r.tests) for r in ruleset) - len(failed_examples)
    print(f"{passed} passed, {len(failures)} failed")
    return EXIT_FINDINGS if failures else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``docclean`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return cmd_check(args)
        if args.command == "clean":
            return cmd_clean(args)
        return cmd_rules(args)
    except DoccleanError as exc:
        print(f"docclean: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return EXIT_OK
    except OSError as exc:
        print(f"docclean: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:  # pragma: no cover
        return 130


