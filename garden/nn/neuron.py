"""A single artificial neuron: z = Σ wᵢaᵢ + b, a = σ(z)."""

from dataclasses import dataclass, field

import numpy as np

from .activations import Activation, get_activation


@dataclass
class Neuron:
    """One neuron with its weights, bias and activation name.

    ``inputs`` may be one sample of shape (n,) or a batch of shape (batch, n).
    """

    weights: np.ndarray
    bias: float = 0.0
    activation: str = "sigmoid"
    _activation: Activation = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.weights = np.asarray(self.weights, dtype=float)
        if self.weights.ndim != 1:
            raise ValueError("weights must be a flat list of numbers")
        self.bias = float(self.bias)
        self._activation = get_activation(self.activation)
        if not self._activation.elementwise:
            raise ValueError(f"{self.activation} needs several outputs; a neuron has one")

    def pre_activation(self, inputs: np.ndarray) -> np.ndarray:
        """The weighted sum z = Σ wᵢaᵢ + b (a scalar per sample)."""
        inputs = np.asarray(inputs, dtype=float)
        if inputs.shape[-1:] != self.weights.shape:
            raise ValueError(
                f"expected {self.weights.size} inputs per sample, got shape {inputs.shape}"
            )
        return inputs @ self.weights + self.bias

    def forward(self, inputs: np.ndarray) -> np.ndarray:
        """The output a = σ(z)."""
        return self._activation(self.pre_activation(inputs))

    __call__ = forward
