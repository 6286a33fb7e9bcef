"""The `garden` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from garden.config import ConfigError, find_root, load_config
from garden.emit import OutputError
from garden.site import build_site


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="garden", description="Compile Roam-style notes into a static site.")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the site from the notes")
    build.add_argument("--notes", type=Path, help="folder of notes (default: from garden.toml, else notes/)")
    build.add_argument("--out", type=Path, help="output folder (default: site/)")
    return parser


def _build(args: argparse.Namespace) -> int:
    root = find_root(Path.cwd())
    config = load_config(root)
    overrides = {}
    if args.notes:
        overrides["notes_dir"] = args.notes.resolve()
    if args.out:
        overrides["out_dir"] = args.out.resolve()
    if overrides:
        config = type(config)(**{**config.__dict__, **overrides})
    if not config.notes_dir.is_dir():
        print(f"garden: no notes folder at {config.notes_dir}", file=sys.stderr)
        return 2
    result = build_site(config)
    for problem in result.problems:
        print(f"{problem}", file=sys.stderr)
    try:
        shown = config.out_dir.relative_to(Path.cwd())
    except ValueError:
        shown = config.out_dir
    warnings = len(result.problems)
    print(f"Built {result.pages} pages ({result.notes} notes, {result.ghosts} ghost pages, "
          f"{result.daily} daily notes) into {shown}/ in {result.seconds:.2f}s"
          f"{f', {warnings} warning' + ('s' if warnings != 1 else '') if warnings else ''}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `garden` console script."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            return _build(args)
    except (ConfigError, OutputError) as error:
        print(f"garden: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
