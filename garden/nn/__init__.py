"""Tiny numpy neural networks and the ``neuron`` / ``network`` note blocks."""
