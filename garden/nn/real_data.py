"""Real data sets that scikit-learn ships (garden's optional `data` extra): handwritten digits and iris.

``load_labelled`` reads one as inputs, class labels and class names; ``stratified_split`` holds out
a seeded test set with each class in proportion; ``scale`` brings the inputs to the range a small
network trains well on: the digits' pixel intensities (0 to 16) divided by 16, the iris
measurements standardised with the mean and spread of the training split alone.
"""

from dataclasses import dataclass

import numpy as np

from garden.model import DATASET_MODULES

REAL_DATASET_NAMES: tuple[str, ...] = tuple(DATASET_MODULES)
PACKAGE = "scikit-learn"  # the distribution that provides them
DIGITS_MAXIMUM = 16.0  # the brightest pixel of an 8×8 digit


@dataclass(frozen=True)
class Labelled:
    """Samples (one a row) with an integer class label each, and the classes' names."""

    x: np.ndarray
    labels: np.ndarray
    classes: tuple[str, ...]


def load_labelled(name: str) -> Labelled:
    """The data set ``name`` (digits: 1797 × 64, 10 classes; iris: 150 × 4, 3 classes).

    Raises ImportError (``name`` "sklearn") when scikit-learn is not installed.
    """
    from sklearn import datasets

    bunch = {"digits": datasets.load_digits, "iris": datasets.load_iris}[name]()
    return Labelled(np.asarray(bunch.data, dtype=float), np.asarray(bunch.target, dtype=int),
                    tuple(str(label) for label in bunch.target_names))


def stratified_split(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(training indices, test indices): ``fraction`` of each class, at least one sample and never all
    of it, drawn at random for the test set; the same seed draws the same split."""
    rng = np.random.default_rng(seed)
    test = []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        count = min(max(1, round(len(members) * fraction)), len(members) - 1)
        test.extend(members[:count])
    held_out = np.zeros(len(labels), dtype=bool)
    held_out[test] = True
    return np.flatnonzero(~held_out), np.flatnonzero(held_out)


def scale(name: str, train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The inputs of both splits scaled as the training split alone says."""
    if name == "digits":
        return train / DIGITS_MAXIMUM, test / DIGITS_MAXIMUM
    mean, spread = train.mean(axis=0), train.std(axis=0)
    spread = np.where(spread > 0, spread, 1.0)
    return (train - mean) / spread, (test - mean) / spread


def confusion_counts(labels: np.ndarray, predicted: np.ndarray, classes: int) -> list[list[int]]:
    """How many samples of each true class (rows) were predicted as each class (columns)."""
    counts = np.zeros((classes, classes), dtype=int)
    np.add.at(counts, (labels, predicted), 1)
    return counts.tolist()
