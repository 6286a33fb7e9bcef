"""Activation functions and their derivatives."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

ArrayFn = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Activation:
    """An activation function a = fn(z) together with its derivative.

    For element-wise activations ``derivative(z)`` has the shape of ``z``
    (da_i/dz_i).  Softmax mixes its inputs, so its ``derivative(z)`` is the
    full Jacobian da_i/dz_j with shape ``z.shape + (n,)``.
    """

    name: str
    fn: ArrayFn
    derivative: ArrayFn
    elementwise: bool = True

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.fn(z)

    def backward(self, z: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
        """Chain rule: turn dL/da into dL/dz."""
        if self.elementwise:
            return grad_a * self.derivative(z)
        return np.einsum("...i,...ij->...j", grad_a, self.derivative(z))


def _identity(z: np.ndarray) -> np.ndarray:
    return np.asarray(z, dtype=float)


def _identity_derivative(z: np.ndarray) -> np.ndarray:
    return np.ones_like(z, dtype=float)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # exp(-|z|) never overflows; pick the algebraically equal form per sign.
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_derivative(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return s * (1.0 - s)


def _tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(np.asarray(z, dtype=float))


def _tanh_derivative(z: np.ndarray) -> np.ndarray:
    return 1.0 - _tanh(z) ** 2


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def _relu_derivative(z: np.ndarray) -> np.ndarray:
    return (np.asarray(z) > 0).astype(float)


def _softmax(z: np.ndarray) -> np.ndarray:
    # Subtracting the row maximum leaves the result unchanged but avoids overflow.
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_jacobian(z: np.ndarray) -> np.ndarray:
    s = _softmax(z)
    return s[..., :, None] * (np.eye(s.shape[-1]) - s[..., None, :])


_ACTIVATIONS = {
    act.name: act
    for act in (
        Activation("identity", _identity, _identity_derivative),
        Activation("sigmoid", _sigmoid, _sigmoid_derivative),
        Activation("tanh", _tanh, _tanh_derivative),
        Activation("relu", _relu, _relu_derivative),
        Activation("softmax", _softmax, _softmax_jacobian, elementwise=False),
    )
}

ACTIVATION_NAMES: tuple[str, ...] = tuple(_ACTIVATIONS)
ELEMENTWISE_NAMES: tuple[str, ...] = tuple(name for name, act in _ACTIVATIONS.items() if act.elementwise)


def get_activation(name: str) -> Activation:
    """Look up an activation by name, e.g. ``get_activation("tanh")``."""
    try:
        return _ACTIVATIONS[name]
    except (KeyError, TypeError):
        valid = ", ".join(ACTIVATION_NAMES)
        raise ValueError(f"unknown activation {name!r}; valid names: {valid}") from None
