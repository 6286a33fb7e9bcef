"""Small seeded toy data sets for examples: name -> (x, y).

``x`` has one sample per row; ``y`` is a column (batch, 1).  The logic gates
are the four rows of their truth table; the others draw ``n_samples`` points.
"""

from collections.abc import Callable

import numpy as np

Data = tuple[np.ndarray, np.ndarray]

_GATE_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def _gate(outputs: list[float]) -> Data:
    return _GATE_INPUTS.copy(), np.array(outputs)[:, None]


def _circles(rng: np.random.Generator, n: int) -> Data:
    """An inner disc (class 1) inside a ring (class 0)."""
    labels = np.arange(n) % 2
    radius = np.where(labels == 1, 0.5, 1.0) + rng.normal(0.0, 0.08, n)
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    x = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return x, labels[:, None].astype(float)


def _moons(rng: np.random.Generator, n: int) -> Data:
    """Two interleaving half circles."""
    labels = np.arange(n) % 2
    angle = rng.uniform(0.0, np.pi, n)
    upper = np.column_stack([np.cos(angle), np.sin(angle)])
    lower = np.column_stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)])
    x = np.where(labels[:, None] == 0, upper, lower) + rng.normal(0.0, 0.1, (n, 2))
    return x, labels[:, None].astype(float)


def _sine(rng: np.random.Generator, n: int) -> Data:
    """Regression: y = sin(x) plus a little noise, x in [-π, π]."""
    x = np.sort(rng.uniform(-np.pi, np.pi, n))[:, None]
    return x, np.sin(x) + rng.normal(0.0, 0.05, (n, 1))


_DATASETS: dict[str, Callable[[np.random.Generator, int], Data]] = {
    "xor": lambda rng, n: _gate([0, 1, 1, 0]),
    "and": lambda rng, n: _gate([0, 0, 0, 1]),
    "or": lambda rng, n: _gate([0, 1, 1, 1]),
    "circles": _circles,
    "moons": _moons,
    "sine": _sine,
}

DATASET_NAMES: tuple[str, ...] = tuple(_DATASETS)


def load_dataset(name: str, seed: int = 0, n_samples: int = 100) -> Data:
    """Return (x, y) for a built-in toy set; the same seed gives the same data."""
    try:
        make = _DATASETS[name]
    except (KeyError, TypeError):
        valid = ", ".join(DATASET_NAMES)
        raise ValueError(f"unknown dataset {name!r}; valid names: {valid}") from None
    return make(np.random.default_rng(seed), n_samples)
