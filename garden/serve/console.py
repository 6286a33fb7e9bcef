"""What `garden serve` prints: a line per build, the warnings new since the build before, errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from garden.serve.rebuild import SiteUpdate


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


@dataclass
class Console:
    """What `garden serve` tells its terminal: a line per build on `out`; on `err`, errors and the
    warnings that are new since the build before."""

    out: TextIO
    err: TextIO
    shown: frozenset[str] = frozenset()  # the warnings of the last build

    def built(self, update: SiteUpdate, ran_code: bool, whole_garden: bool = False) -> None:
        """Report a finished build: one that ran the code, one that made the files about the whole
        garden a build before left outdated, or another."""
        result = update.result
        lines = [str(problem) for problem in [*result.problems, *result.failures]]
        for line in lines:
            if line not in self.shown:
                print(line, file=self.err, flush=True)
        self.shown = frozenset(lines)
        what = (f"ran the code ({_count(result.ran, 'block')}, {len(result.failures)} failed)" if ran_code
                else "brought all pages, the graph and the feed up to date" if whole_garden else "rebuilt")
        changed = _count(len(update.changed), "file") + " changed" if update.changed else "no file changed"
        warnings = f", {_count(len(result.problems), 'warning')}" if result.problems else ""
        running = f"; running {_count(result.pending, 'code block')} in the background" if result.pending else ""
        print(f"garden: {what} in {result.seconds:.2f}s: {changed}{warnings}{running}", file=self.out, flush=True)

    def error(self, message: str) -> None:
        """Report a build that failed or something else that went wrong."""
        print(message, file=self.err, flush=True)
