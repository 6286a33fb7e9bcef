"""Progress on a terminal for slow build stages, nothing of it in pipes."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios

from helpers import REPO, make_garden, run_garden

def sleeper(seconds: float) -> dict[str, str]:
    """A garden whose one block sleeps `seconds`: bars show after 1 s, a block is named after 2 s."""
    return {"Slow.md": f"- waits\n    ```python\n    import time\n    time.sleep({seconds})\n    ```\n"}


def run_in_terminal(cwd, *args: str) -> tuple[int, str]:
    """`garden ARGS` as a process whose stdout and stderr are a terminal; (exit code, all it printed)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 24 rows, 100 columns
    env = dict(os.environ, PYTHONPATH=str(REPO))
    process = subprocess.Popen([sys.executable, "-m", "garden", *args], cwd=cwd, env=env,
                               stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(60), b"".join(chunks).decode(errors="replace")


def test_a_slow_stage_shows_progress_on_a_terminal(tmp_path):
    root = make_garden(tmp_path, sleeper(3.6))  # redrawn every 0.5 s: named from 2 s on, at least twice
    code, shown = run_in_terminal(root, "build")
    assert code == 0, shown
    assert "running code" in shown and "0/1 [" in shown, "the bar shows while the note runs"
    assert re.search(r"notes/Slow\.md:2 for [23] s", shown), "and names the block that runs long"
    assert "Built " in shown


def test_no_progress_when_not_on_a_terminal(tmp_path):
    root = make_garden(tmp_path, sleeper(1.5))
    proc = run_garden(root, "build")  # in-process, printing into buffers: not a terminal
    assert proc.returncode == 0
    assert "running code" not in proc.stderr + proc.stdout and "\r" not in proc.stderr
    assert proc.stderr == ""
