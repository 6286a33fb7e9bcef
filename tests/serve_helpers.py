"""Running `garden serve` in-process (its `LiveServer`, on a free port, in threads) and talking HTTP to it."""

from __future__ import annotations

import http.client
import io
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from garden.config import load_config
from garden.search import pagefind_binary
from garden.serve.builder import Console
from garden.serve.session import LiveServer
from garden.build.options import BuildOptions

WAIT_SECONDS = 60.0  # generous: the suite shares the machine


@dataclass
class Served:
    """A running server, and what it printed."""

    server: LiveServer
    out: io.StringIO
    err: io.StringIO

    @property
    def url(self) -> str:
        return self.server.url

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        """GET `path` exactly as given (no normalising of `..`): status, headers, body."""
        return get(self.url, path)


@contextmanager
def serving(root: Path, *, execute: bool = True) -> Iterator[Served]:
    """`garden serve --port 0` of the garden at `root`, stopped afterwards."""
    out, err = io.StringIO(), io.StringIO()
    server = LiveServer(load_config(root), BuildOptions(execute=execute), port=0, debounce_ms=50,
                        console=Console(out, err))
    with server:
        yield Served(server, out, err)


def get(base: str, path: str) -> tuple[int, dict[str, str], str]:
    """GET `path` on the server at `base` (an http URL), without a proxy and without normalising it."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=WAIT_SECONDS)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def wait_until(condition: Callable[[], object], what: str, timeout: float = WAIT_SECONDS) -> object:
    """Poll `condition` until it returns something true; fail naming `what` after `timeout` seconds.
    A file that went while `condition` read the site counts as not yet: a running server replaces
    and removes files as it builds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except FileNotFoundError:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def gated_pagefind(folder: Path, monkeypatch) -> Path:
    """Make garden run Pagefind through a script that adds a line to `folder`/pagefind-runs when it
    starts, then waits while the returned gate file is missing (it is there at first); skips the test
    where Pagefind is not installed."""
    real = pagefind_binary()
    if real is None:
        pytest.skip("needs Pagefind")
    gate, gated, runs = folder / "gate", folder / "gated-pagefind", folder / "pagefind-runs"
    gated.write_text(f'#!/bin/sh\necho run >> "{runs}"\nwhile [ ! -e "{gate}" ]; do sleep 0.02; done\n'
                     f'exec "{real}" "$@"\n')
    gated.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(gated))
    gate.touch()
    return gate


def gate_block(gate: Path, printed: str, pid_file: Path | None = None) -> str:
    """A note whose python block waits until the file `gate` exists, then prints `printed` (and first
    writes its process id into `pid_file`)."""
    lines = ["import os, pathlib, time"]
    if pid_file is not None:
        lines.append(f"pathlib.Path({str(pid_file)!r}).write_text(str(os.getpid()))")
    lines += [f"while not pathlib.Path({str(gate)!r}).exists():", "    time.sleep(0.02)", f"print({printed!r})"]
    body = "".join(f"  {line}\n" for line in lines)
    return f"- Waiting\n- ```python\n{body}  ```\n"
