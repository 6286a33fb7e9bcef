"""Pickles that only garden itself reads back.

The build cache lives in the garden's folder, which may come from someone else; unpickling a file
they wrote would run their code. So every file carries a keyed hash (BLAKE2b) under a key that
never leaves this user's own cache folder (`$XDG_CACHE_HOME/garden/`, else `~/.cache/garden/`):
a file not sealed with it, damaged or cut short reads as missing, and is made again.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import pickle
import tempfile
from pathlib import Path

MAGIC = b"garden-sealed-1\n"
MAC_BYTES = 32


def _key_folder() -> Path:
    cache_home = os.environ.get("XDG_CACHE_HOME")
    return (Path(cache_home) if cache_home else Path.home() / ".cache") / "garden"


@functools.cache
def sealing_key() -> bytes:
    """This user's key: made once, readable by the user alone. Where none can be kept, a key for
    this process only (the cache then lasts as long as the process)."""
    path = _key_folder() / "build-cache.key"
    try:
        return _read_key(path)
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
        try:
            os.write(handle, os.urandom(32))
            os.close(handle)
            os.link(temporary, path)  # fails if another process made the key meanwhile: theirs is read
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
        return _read_key(path)
    except OSError:
        return os.urandom(32)


def _read_key(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) != 32:
        raise OSError(f"{path} is not a key")
    return key


def _mac(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, key=sealing_key(), digest_size=MAC_BYTES).digest()


def dump(value: object, path: Path) -> bytes:
    """Write `value` to `path` sealed, atomically (a reader sees the old file or the new one);
    returns its pickle."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(MAGIC + _mac(payload) + payload)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return payload


def load(path: Path) -> object | None:
    """What `dump` wrote to `path`; None when it is missing, not sealed by this user, or damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    mac, payload = data[len(MAGIC):len(MAGIC) + MAC_BYTES], data[len(MAGIC) + MAC_BYTES:]
    if not data.startswith(MAGIC) or not hmac.compare_digest(mac, _mac(payload)):
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # sealed by us but unreadable now (written by another version of garden): made again
        return None
