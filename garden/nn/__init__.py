"""Tiny numpy neural networks and the ``neuron`` / ``network`` note blocks.

Note code uses it as ``from garden.nn import Neuron, Network, load_dataset, plot``.
"""

from garden.nn.activations import get_activation
from garden.nn.datasets import load_dataset
from garden.nn.network import Network
from garden.nn.neuron import Neuron
from garden.nn.plot import Chart, plot

__all__ = ["Chart", "Network", "Neuron", "get_activation", "load_dataset", "plot"]
