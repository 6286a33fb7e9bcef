"""How good predictions are: losses with their gradients, and accuracy."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# Predictions are clipped away from 0 and 1 before taking logarithms.
_EPS = 1e-12

LossFn = Callable[[np.ndarray, np.ndarray], float]
GradFn = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Loss:
    """A loss averaged over the batch, with its gradient w.r.t. the predictions."""

    name: str
    fn: LossFn
    gradient: GradFn


def _mse(p: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((p - y) ** 2))


def _mse_gradient(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    return 2.0 * (p - y) / p.size


def _cross_entropy(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, _EPS, 1.0 - _EPS)
    if p.shape[-1] == 1:  # binary: one sigmoid output is P(class 1)
        per_sample = -(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)).sum(axis=-1)
    else:  # categorical: softmax outputs, one-hot targets
        per_sample = -(y * np.log(p)).sum(axis=-1)
    return float(per_sample.mean())


def _cross_entropy_gradient(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1.0 - _EPS)
    batch = p.shape[0]
    if p.shape[-1] == 1:
        return (p - y) / (p * (1.0 - p)) / batch
    return -y / p / batch


_LOSSES = {
    loss.name: loss
    for loss in (
        Loss("mse", _mse, _mse_gradient),
        Loss("cross_entropy", _cross_entropy, _cross_entropy_gradient),
    )
}

LOSS_NAMES: tuple[str, ...] = tuple(_LOSSES)


def get_loss(name: str) -> Loss:
    """Look up a loss by name: ``"mse"`` or ``"cross_entropy"``."""
    try:
        return _LOSSES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown loss {name!r}; valid names: {', '.join(LOSS_NAMES)}") from None


def accuracy(p: np.ndarray, y: np.ndarray) -> float:
    """Fraction of correct class predictions.

    One output: predict class 1 when p > 0.5.  Several outputs: the predicted
    class is the largest output and ``y`` is one-hot.
    """
    p, y = np.atleast_2d(p), np.atleast_2d(y)
    if p.shape[-1] == 1:
        return float(np.mean((p > 0.5) == (y > 0.5)))
    return float(np.mean(p.argmax(axis=-1) == y.argmax(axis=-1)))
