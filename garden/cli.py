"""The `garden` command.

`garden check` and `garden import` import their stages when they run: a `garden build` with
nothing to do loads only what it needs to see that (see `garden.build.builder`)."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import garden
from garden.authoring.new_note import NewNoteError, Template, create_note
from garden.authoring.scaffold import InitError, init_garden
from garden.build.builder import Builder
from garden.build.options import BuildOptions, BuildResult, default_workers
from garden.config import Config, find_root, load_config
from garden.emit import check_output
from garden.stop_messages import STOPPING_ERRORS, internal_error_message, stop_message

if TYPE_CHECKING:
    from garden.importers.roam import ImportReport


INTERRUPTED = {
    "build": "the workers were stopped; the previous site and the cached results are kept",
    "check": "the workers were stopped; the cached results are kept",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="garden", description="Compile Roam-style notes into a static site.")
    parser.add_argument("--version", action="version", version=f"garden {garden.__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    init = commands.add_parser("init", help="start a garden: garden.toml, notes/ with a welcome note, .gitignore")
    init.add_argument("folder", nargs="?", type=Path, default=Path("."), metavar="DIR",
                      help="folder for the garden (default: this one)")
    new = commands.add_parser("new", help="write a new note from the template (never overwrites)")
    new.add_argument("title", metavar="TITLE", help="the note's title; `a/b` makes the note b in folder a")
    new.add_argument("--notes", type=Path, help="folder of notes (default: from garden.toml, else notes/)")
    build = commands.add_parser("build", help="build the site from the notes (runs their code)")
    build.add_argument("--notes", type=Path, help="folder of notes (default: from garden.toml, else notes/)")
    build.add_argument("--out", type=Path, help="output folder (default: site/)")
    build.add_argument("--no-exec", action="store_true", help="show code without running it (untrusted gardens)")
    build.add_argument("--allow-errors", action="store_true", help="exit 0 even when a code block fails")
    build.add_argument("--refresh", action="store_true", help="ignore cached results and run every block")
    build.add_argument("--clean", action="store_true",
                       help="rebuild from nothing: parse every note and write every page (code results stay cached)")
    build.add_argument("-j", "--jobs", type=_positive, metavar="N",
                       help="processes that read the notes and make the pages (default: one per core, at most 4)")
    serve = commands.add_parser("serve", help="build, serve the site, rebuild and reload pages as the notes change")
    serve.add_argument("--port", type=int, default=8000, help="port to serve on (default 8000; 0: a free one)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to serve on (default 127.0.0.1, this machine only; 0.0.0.0: every network)")
    serve.add_argument("--notes", type=Path, help="folder of notes (default: from garden.toml, else notes/)")
    serve.add_argument("--out", type=Path, help="output folder (default: site/)")
    serve.add_argument("--no-exec", action="store_true", help="show code without running it (untrusted gardens)")
    check = commands.add_parser("check", help="run every example and report those whose output changed")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="notes or folders to check (default: all)")
    check.add_argument("--notes", type=Path, help="folder of notes (default: from garden.toml, else notes/)")
    check.add_argument("--refresh", action="store_true", help="ignore cached results and run every block")
    importer = commands.add_parser("import", help="write notes from another tool's export (never overwrites a note)")
    sources = importer.add_subparsers(dest="source", required=True)
    roam = sources.add_parser("roam", help="a Roam Research JSON export: one note per page")
    roam.add_argument("export", type=Path, metavar="EXPORT.json", help="Roam's JSON export (or the .zip holding it)")
    roam.add_argument("--notes", type=Path, metavar="DIR",
                      help="folder to write the notes into (default: from garden.toml, else notes/)")
    return parser


def _positive(text: str) -> int:
    """An argument that must be a whole number of at least 1."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return number


def _config(args: argparse.Namespace) -> Config:
    config = load_config(find_root(Path.cwd()))
    overrides = {}
    if args.notes:
        overrides["notes_dir"] = args.notes.resolve()
    if getattr(args, "out", None):
        overrides["out_dir"] = args.out.resolve()
    return dataclasses.replace(config, **overrides)


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def _summary(result: BuildResult, out_dir: Path) -> str:
    warnings = len(result.problems)
    counted = f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
    changed = len(result.changed) + len(result.removed)
    return (f"Built {result.pages} pages ({result.notes} notes, {result.ghosts} ghost pages, "
            f"{result.daily} daily note{'s' if result.daily != 1 else ''}) into {_shown(out_dir)}/ in {result.seconds:.2f}s{counted}; "
            f"{result.rendered} rendered, {changed} file{'s' if changed != 1 else ''} changed; "
            f"code blocks: {result.ran} ran, {result.cached} from cache, {len(result.failures)} failed")


def _build(args: argparse.Namespace) -> int:
    config = _config(args)
    if not config.notes_dir.is_dir():
        print(f"garden: no notes folder at {_shown(config.notes_dir)}", file=sys.stderr)
        return 2
    options = BuildOptions(execute=not args.no_exec, refresh=args.refresh, clean=args.clean,
                           workers=args.jobs or default_workers())
    result = Builder(config).build(options)
    for problem in [*result.problems, *result.failures]:
        print(problem, file=sys.stderr)
    print(_summary(result, config.out_dir))
    return 1 if result.failures and not args.allow_errors else 0


def _serve(args: argparse.Namespace) -> int:
    config = _config(args)
    if not config.notes_dir.is_dir():
        print(f"garden: no notes folder at {_shown(config.notes_dir)}", file=sys.stderr)
        return 2
    check_output(config.out_dir, config.notes_dir, config.root)
    from garden.serve.session import LiveServer

    try:
        server = LiveServer(config, BuildOptions(execute=not args.no_exec), host=args.host, port=args.port)
    except OSError as error:
        print(f"garden: cannot serve on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 2
    try:
        try:
            server.start()
            print(f"garden: serving {server.url} (Ctrl+C stops)", flush=True)
            server.wait()
        finally:
            server.stop()
    except KeyboardInterrupt:  # a second Ctrl+C cuts stopping short; a build cut short never harms the site
        pass
    print("garden: stopped", flush=True)
    return 0


def _check(args: argparse.Namespace) -> int:
    config = _config(args)
    if not config.notes_dir.is_dir():
        print(f"garden: no notes folder at {_shown(config.notes_dir)}", file=sys.stderr)
        return 2
    missing = [path for path in args.paths if not path.exists()]
    if missing:
        print(f"garden: no such note or folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    from garden.check.runner import check_notes, summary_line

    report = check_notes(config, args.paths, args.refresh)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    for outcome in report.outcomes:
        if outcome.status == "failed":
            print(f"{outcome.location}: {outcome.message}")
            if outcome.diff:
                print(textwrap.indent(outcome.diff.rstrip("\n"), "    "))
    print(summary_line(report))
    return 1 if report.count("failed") else 0


def _init(args: argparse.Namespace) -> int:
    try:
        written = init_garden(args.folder, dt.date.today())
    except InitError as error:
        print(f"garden: {error}; nothing written", file=sys.stderr)
        return 2
    print(f"Planted a garden in {_shown(args.folder.resolve())}/: {', '.join(_shown(path) for path in written)}. "
          f"Next: `garden build` or `garden serve`{' in ' + str(args.folder) if args.folder != Path('.') else ''}.")
    return 0


def _new(args: argparse.Namespace) -> int:
    config = _config(args)
    template = Template(config.note_template.read_text(encoding="utf-8")) if config.note_template else Template()
    try:
        path = create_note(config.notes_dir, args.title.strip(), template, dt.date.today())
    except NewNoteError as error:
        print(f"garden: {_shown(error.path) + ': ' if error.path else ''}{error.reason}", file=sys.stderr)
        return 2
    print(f"Wrote {_shown(path)}")
    return 0


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _import_summary(report: ImportReport, notes_dir: Path) -> str:
    left_out = [f"{len(report.conflicts)} skipped as existing"] if report.conflicts else []
    left_out += [f"{len(report.failed)} not written"] if report.failed else []
    left_out += [f"{report.empty} without blocks left as ghost pages"] if report.empty else []
    left_out += [_plural(len(report.duplicates), "duplicate title")] if report.duplicates else []
    dangling = f"; {_plural(report.dangling, 'referenced block')} not in the export" if report.dangling else ""
    return (f"Imported {_plural(len(report.written), 'page')} into {_shown(notes_dir)}/"
            f"{' (' + ', '.join(left_out) + ')' if left_out else ''}: {_plural(report.blocks, 'block')}, "
            f"{_plural(report.ids, 'block id')} kept for references and embeds{dangling}")


def _import_folder(config: Config) -> Path:
    """Where imported notes go: the notes folder, or `notes/` when the garden is still empty (a
    garden without `notes/` is read from its root only once that holds notes)."""
    if config.notes_dir == config.root.resolve() and not any(config.root.glob("*.md")):
        return config.root.resolve() / "notes"
    return config.notes_dir


def _import(args: argparse.Namespace) -> int:
    config = _config(args)
    notes_dir = config.notes_dir if args.notes is not None else _import_folder(config)
    if notes_dir.exists() and not notes_dir.is_dir():
        print(f"garden: {_shown(notes_dir)} is a file, not a notes folder", file=sys.stderr)
        return 2
    from garden.importers.roam import import_roam
    from garden.importers.roam_export import ExportError

    try:
        report = import_roam(args.export, notes_dir)
    except ExportError as error:
        print(f"garden: {args.export}: {error}", file=sys.stderr)
        return 2
    for path, why in report.conflicts:
        print(f"garden: {_shown(path)} {why}; not overwritten, page not imported", file=sys.stderr)
    for path, why in report.failed:
        print(f"garden: {_shown(path)}: cannot be written ({why}); page not imported", file=sys.stderr)
    for title in report.duplicates:
        print(f"garden: {args.export}: page {title!r} is in the export more than once; only the first is imported",
              file=sys.stderr)
    print(_import_summary(report, notes_dir))
    return 1 if report.conflicts or report.failed else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `garden` console script."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "init":
            return _init(args)
        if args.command == "new":
            return _new(args)
        if args.command == "build":
            return _build(args)
        if args.command == "serve":
            return _serve(args)
        if args.command == "check":
            return _check(args)
        if args.command == "import":
            return _import(args)
    except STOPPING_ERRORS as error:
        print(stop_message(error), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"garden: interrupted; {INTERRUPTED.get(args.command, 'stopped')}", file=sys.stderr)
        return 130
    except Exception as error:  # a bug in garden: say so in one line unless asked for the traceback
        if os.environ.get("GARDEN_DEBUG"):
            raise
        print(internal_error_message(error), file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
