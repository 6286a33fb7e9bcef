"""Newline-delimited JSON messages between the engine and its workers.

worker -> engine  ``{"ready": true}`` once, after start-up
engine -> worker  ``{"note": str, "cells": [{"cell": {...Cell fields}, "raises": str | None}, ...]}``
worker -> engine  ``{"index": i, "result": {...CellResult fields}}`` per cell, in order
"""

from __future__ import annotations

import json
import os
import select
import time
from typing import Any


def encode(message: dict[str, Any]) -> bytes:
    """One message as a single line of JSON."""
    return (json.dumps(message, separators=(",", ":")) + "\n").encode()


class MessageReader:
    """Reads messages from a pipe file descriptor with a deadline."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._buffer = bytearray()

    def receive(self, timeout: float) -> dict[str, Any]:
        """Next message; TimeoutError after ``timeout`` s, EOFError if the pipe closed."""
        deadline = time.monotonic() + timeout
        searched = 0
        while (end := self._buffer.find(b"\n", searched)) < 0:
            searched = len(self._buffer)
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._fd], [], [], remaining)[0]:
                raise TimeoutError
            chunk = os.read(self._fd, 1 << 20)
            if not chunk:
                raise EOFError
            self._buffer += chunk
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        return json.loads(line)
