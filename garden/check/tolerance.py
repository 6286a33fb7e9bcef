"""Reading `#| rtol:` / `#| atol:` option values."""

from __future__ import annotations

import math


def parse_tolerance(value: str) -> float:
    """The tolerance written as `value`: a finite, non-negative number such as `1e-6`."""
    try:
        tolerance = float(value.strip())
    except ValueError:
        raise ValueError(f"tolerance must be a number like 1e-6, got {value!r}") from None
    if not math.isfinite(tolerance):
        raise ValueError(f"tolerance must be finite, got {value!r}")
    if tolerance < 0:
        raise ValueError(f"tolerance must not be negative, got {value!r}")
    return tolerance
