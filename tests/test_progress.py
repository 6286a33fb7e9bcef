"""Progress on a terminal for slow build stages, nothing of it in pipes.

The build runs in this process with its stderr a real terminal (a pty), and with the display's
thresholds scaled down tenfold so that a block of a fraction of a second counts as slow.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import termios
import threading

import pytest

from garden import progress
from helpers import make_garden, run_garden

SCALE = 0.1  # the tests' seconds per second of the real thresholds


@pytest.fixture(autouse=True)
def quick_thresholds(monkeypatch):
    """Bars after 0.1 s, a block named after 0.2 s, redrawn every 0.05 s."""
    for name in ("DELAY", "SLOW", "TICK"):
        monkeypatch.setattr(progress, name, getattr(progress, name) * SCALE)


def sleeper(seconds: float) -> dict[str, str]:
    """A garden whose one block sleeps `seconds`."""
    return {"Slow.md": f"- waits\n    ```python\n    import time\n    time.sleep({seconds})\n    ```\n"}


def run_in_terminal(cwd, *args: str) -> tuple[int, str]:
    """`garden ARGS` with stderr a terminal 100 columns wide; (exit code, all it printed there)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    chunks: list[bytes] = []

    def read_terminal() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=read_terminal)
    reader.start()
    with open(follower, "w", encoding="utf-8") as terminal:
        proc = run_garden(cwd, *args, stderr=terminal)
    reader.join(10)
    os.close(leader)
    return proc.returncode, proc.stdout + b"".join(chunks).decode(errors="replace")


def test_a_slow_stage_shows_progress_on_a_terminal(tmp_path):
    root = make_garden(tmp_path, sleeper(0.5))  # redrawn every 0.05 s: named from 0.2 s on, several times
    code, shown = run_in_terminal(root, "build")
    assert code == 0, shown
    assert "running code" in shown and "0/1 [" in shown, "the bar shows while the note runs"
    assert re.search(r"notes/Slow\.md:2 for [0-9] s", shown), "and names the block that runs long"
    assert "Built " in shown


def test_no_progress_when_not_on_a_terminal(tmp_path):
    root = make_garden(tmp_path, sleeper(0.4))
    proc = run_garden(root, "build")  # printing into buffers: not a terminal
    assert proc.returncode == 0
    assert "running code" not in proc.stderr + proc.stdout and "\r" not in proc.stderr
    assert proc.stderr == ""
