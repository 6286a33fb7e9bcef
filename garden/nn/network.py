"""A fully connected (dense) feed-forward network trained by backpropagation.

Conventions used throughout:

* a batch of samples is a matrix with one sample per row, shape (batch, width);
* layer ``l`` (counting from 0) maps a⁽ˡ⁾ to a⁽ˡ⁺¹⁾ = f(a⁽ˡ⁾ W⁽ˡ⁾ + b⁽ˡ⁾),
  where W⁽ˡ⁾ has shape (inputs, outputs) and b⁽ˡ⁾ has shape (outputs,);
* a⁽⁰⁾ is the network input.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .activations import Activation, get_activation
from .losses import Loss, get_loss


@dataclass
class DenseLayer:
    """Weights, biases and activation of one layer."""

    weights: np.ndarray
    biases: np.ndarray
    activation: Activation

    def forward(self, inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the weighted sums z and the outputs a = f(z)."""
        z = inputs @ self.weights + self.biases
        return z, self.activation(z)

    @property
    def parameter_count(self) -> int:
        return self.weights.size + self.biases.size


@dataclass
class Gradient:
    """dL/dW and dL/db for one layer (same shapes as the layer's parameters)."""

    weights: np.ndarray
    biases: np.ndarray


@dataclass
class Network:
    """A dense network, e.g. ``Network(layers=[2, 4, 1])``.

    ``layers`` lists the widths from input to output; hidden layers use
    ``activation`` and the last layer uses ``output_activation``.  Weights
    are drawn from a normal distribution seeded by ``seed``; biases start at 0.
    """

    layers: Sequence[int]
    activation: str = "tanh"
    output_activation: str = "sigmoid"
    seed: int = 0
    dense: list[DenseLayer] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.layers = tuple(int(width) for width in self.layers)
        if len(self.layers) < 2:
            raise ValueError("layers needs at least an input and an output width")
        if any(width <= 0 for width in self.layers):
            raise ValueError(f"layer widths must be positive, got {list(self.layers)}")
        rng = np.random.default_rng(self.seed)
        hidden, output = get_activation(self.activation), get_activation(self.output_activation)
        self.dense = []
        for index, (n_in, n_out) in enumerate(zip(self.layers, self.layers[1:])):
            act = output if index == len(self.layers) - 2 else hidden
            # He initialisation suits ReLU; the 1/n_in variance suits tanh/sigmoid.
            scale = np.sqrt((2.0 if act.name == "relu" else 1.0) / n_in)
            weights = rng.normal(0.0, scale, size=(n_in, n_out))
            self.dense.append(DenseLayer(weights, np.zeros(n_out), act))

    # -- forward pass ---------------------------------------------------------

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Network output for one sample (n,) or a batch (batch, n)."""
        x = np.asarray(x, dtype=float)
        single = x.ndim == 1
        output = self._trace(np.atleast_2d(x))[1][-1]
        return output[0] if single else output

    __call__ = forward

    def _trace(self, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Forward pass keeping every z⁽ˡ⁾ and a⁽ˡ⁾ for backpropagation."""
        if x.shape[-1] != self.layers[0]:
            raise ValueError(f"expected {self.layers[0]} inputs per sample, got shape {x.shape}")
        zs, activations = [], [x]
        for layer in self.dense:
            z, a = layer.forward(activations[-1])
            zs.append(z)
            activations.append(a)
        return zs, activations

    # -- loss and gradients ---------------------------------------------------

    def targets(self, y: np.ndarray) -> np.ndarray:
        """Shape targets like the output: a column for one output, one-hot rows
        for class labels when there are several outputs."""
        y = np.asarray(y, dtype=float)
        n_out = self.layers[-1]
        if y.ndim == 1:
            if n_out == 1:
                return y[:, None]
            return np.eye(n_out)[y.astype(int)]
        if y.shape[-1] != n_out:
            raise ValueError(f"expected targets with {n_out} columns, got shape {y.shape}")
        return y

    def loss(self, x: np.ndarray, y: np.ndarray, loss: str = "mse") -> float:
        """Average loss over the samples in ``x``."""
        return get_loss(loss).fn(self.forward(np.atleast_2d(x)), self.targets(y))

    def gradients(self, x: np.ndarray, y: np.ndarray, loss: str = "mse") -> list[Gradient]:
        """Backpropagation: dL/dW and dL/db for every layer."""
        x = np.atleast_2d(np.asarray(x, dtype=float))
        return self._backward(self._trace(x), self.targets(y), get_loss(loss))

    def _backward(self, trace: tuple[list[np.ndarray], list[np.ndarray]], y: np.ndarray,
                  loss: Loss) -> list[Gradient]:
        """dL/dW and dL/db for every layer, from a forward pass's trace and shaped targets."""
        zs, activations = trace
        # Start with dL/da for the output layer and walk backwards.
        grad_a = loss.gradient(activations[-1], y)
        grads: list[Gradient] = []
        for index in reversed(range(len(self.dense))):
            layer = self.dense[index]
            grad_z = layer.activation.backward(zs[index], grad_a)  # dL/dz
            grads.append(Gradient(activations[index].T @ grad_z, grad_z.sum(axis=0)))
            grad_a = grad_z @ layer.weights.T  # dL/da of the previous layer
        return grads[::-1]

    # -- training -------------------------------------------------------------

    def train(
        self,
        x: np.ndarray,
        y: np.ndarray,
        epochs: int,
        learning_rate: float,
        loss: str = "mse",
        batch_size: int | None = None,
        freeze: Iterable[int] = (),
        after_epoch: Callable[[int], None] | None = None,
    ) -> list[float]:
        """Gradient descent; returns the loss on all of (x, y) after each epoch.

        ``batch_size=None`` uses the whole data set per step (full batch);
        otherwise the samples are shuffled each epoch and split into mini-batches.
        Layers whose index is in ``freeze`` keep their parameters unchanged.
        ``after_epoch`` is called with the epoch's number (from 1) once its updates are done; it
        may read the network but not change it.
        """
        x = np.ascontiguousarray(np.atleast_2d(np.asarray(x, dtype=float)))
        y = self.targets(y)
        frozen = self._check_layer_indices(freeze)
        if batch_size is not None and batch_size <= 0:
            raise ValueError("batch_size must be positive")
        rule = get_loss(loss)
        if batch_size is None:
            return self._train_full_batch(x, y, epochs, learning_rate, rule, frozen, after_epoch)
        rng = np.random.default_rng(self.seed)
        history = []
        for epoch in range(1, epochs + 1):
            order = rng.permutation(len(x))
            for start in range(0, len(x), batch_size):
                batch = order[start : start + batch_size]
                self._descend(self._backward(self._trace(x[batch]), y[batch], rule), learning_rate, frozen)
            history.append(rule.fn(self._trace(x)[1][-1], y))
            if after_epoch is not None:
                after_epoch(epoch)
        return history

    def _train_full_batch(self, x: np.ndarray, y: np.ndarray, epochs: int, learning_rate: float, rule: Loss,
                          frozen: set[int], after_epoch: Callable[[int], None] | None) -> list[float]:
        """Full-batch gradient descent: one forward pass per epoch serves both the epoch's loss and
        the next epoch's gradients."""
        history = []
        trace = self._trace(x)
        for epoch in range(1, epochs + 1):
            self._descend(self._backward(trace, y, rule), learning_rate, frozen)
            trace = self._trace(x)
            history.append(rule.fn(trace[1][-1], y))
            if after_epoch is not None:
                after_epoch(epoch)
        return history

    def _descend(self, grads: list[Gradient], learning_rate: float, frozen: set[int]) -> None:
        """One step against the gradients, leaving the layers in ``frozen`` alone."""
        for index, (layer, grad) in enumerate(zip(self.dense, grads)):
            if index not in frozen:
                layer.weights -= learning_rate * grad.weights
                layer.biases -= learning_rate * grad.biases

    # -- capacity -------------------------------------------------------------

    def parameter_count(self, exclude: Iterable[int] = ()) -> int:
        """Number of weights and biases, leaving out the layers in ``exclude``."""
        skipped = self._check_layer_indices(exclude)
        return sum(
            layer.parameter_count for index, layer in enumerate(self.dense) if index not in skipped
        )

    def _check_layer_indices(self, indices: Iterable[int]) -> set[int]:
        chosen = set(indices)
        bad = sorted(i for i in chosen if not 0 <= i < len(self.dense))
        if bad:
            raise ValueError(
                f"layer index {bad[0]} out of range; valid indices are 0..{len(self.dense) - 1}"
            )
        return chosen
