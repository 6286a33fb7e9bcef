"""Newline-delimited messages between the engine and its workers.

worker -> engine  ``{"ready": true}`` once, after start-up (JSON)
engine -> worker  a Job (garden.run.pool), pickled and base64-encoded: the parsed cells as they are
worker -> engine  ``{"index": i, "result": {...CellResult fields}}`` per cell, in order (JSON)
worker -> engine  ``{"names": BASE64 | null, "refused": [[name, why], ...]}`` after the last cell, when
                  the job asks for the note's names: a cloudpickle of them, for the notes using it

The engine never unpickles what a worker sends: the worker runs the notes' code. The pickled names
go, as bytes, only to the workers of the notes using that note, which run that code anyway.
"""

from __future__ import annotations

import base64
import json
import os
import pickle
import select
import time
from typing import Any


def encode(message: dict[str, Any]) -> bytes:
    """One worker message as a single line of JSON; characters UTF-8 cannot carry (lone
    surrogates a note printed) become `?`."""
    return (json.dumps(message, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8", "replace")


def encode_job(job: Any) -> bytes:
    """One request from the engine as a single line."""
    return base64.b64encode(pickle.dumps(job)) + b"\n"


def decode_job(line: str | bytes) -> Any:
    """The request of one line written by `encode_job`."""
    return pickle.loads(base64.b64decode(line))


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
