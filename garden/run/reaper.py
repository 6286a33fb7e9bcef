"""Ending every process a note started once the note is done (on Linux; elsewhere nothing happens).

The worker declares itself a child subreaper, so descendants orphaned by their parents are
re-parented to it rather than to init; after each note it kills and reaps all its children
until none is left. A process a note started thus never outlives the note.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36
ROUNDS = 100  # killing a child can orphan grandchildren onto us; a bounded number of sweeps


def become_subreaper() -> None:
    """Have orphaned descendants of this process re-parented to it."""
    if sys.platform != "linux":
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _children(parent: int) -> list[int]:
    """Processes whose parent is `parent`, from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if len(fields) > 1 and fields[1] == str(parent):
            children.append(int(stat.parent.name))
    return children


def _has_live_children() -> bool:
    """Reap the children that already ended; whether any child is still running."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return False
        if pid == 0:
            return True


def end_children() -> None:
    """Kill and reap every child of this process, and the orphans that brings back to it."""
    if sys.platform != "linux":
        return
    me = os.getpid()
    for _ in range(ROUNDS):
        children = _children(me) if _has_live_children() else []
        if not children:
            return
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
