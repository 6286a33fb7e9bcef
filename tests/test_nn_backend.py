"""Tests for the numpy backend: activations, neuron, network, datasets."""

import numpy as np
import pytest

from garden.nn.activations import ACTIVATION_NAMES, get_activation
from garden.nn.datasets import DATASET_NAMES, load_dataset
from garden.nn.losses import get_loss
from garden.nn.network import Network
from garden.nn.neuron import Neuron

Z = np.array([[-3.0, -0.7, 0.2, 1.3], [2.5, -1.9, 0.05, -0.4]])


def numeric_jacobian(fn, z, h=1e-6):
    """d fn(z)[..., i] / d z[..., j] by central differences, per row."""
    jac = np.zeros(z.shape + (z.shape[-1],))
    for j in range(z.shape[-1]):
        step = np.zeros_like(z)
        step[..., j] = h
        jac[..., :, j] = (fn(z + step) - fn(z - step)) / (2 * h)
    return jac


@pytest.mark.parametrize("name", ["identity", "sigmoid", "tanh", "relu"])
def test_elementwise_derivatives_match_finite_differences(name):
    act = get_activation(name)
    h = 1e-6
    numeric = (act(Z + h) - act(Z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(Z), numeric, rtol=1e-6, atol=1e-9)


def test_softmax_jacobian_matches_finite_differences():
    act = get_activation("softmax")
    np.testing.assert_allclose(act.derivative(Z), numeric_jacobian(act.fn, Z), atol=1e-9)
    np.testing.assert_allclose(act(Z).sum(axis=-1), 1.0)


def test_sigmoid_and_softmax_are_stable_for_huge_inputs():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = get_activation("sigmoid")(np.array([-1000.0, 0.0, 1000.0]))
        p = get_activation("softmax")(np.array([[1000.0, 1000.0, -1000.0]]))
    np.testing.assert_allclose(s, [0.0, 0.5, 1.0])
    np.testing.assert_allclose(p, [[0.5, 0.5, 0.0]])


def test_activation_values():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(get_activation("relu")(z), [0.0, 0.0, 3.0])
    np.testing.assert_allclose(get_activation("sigmoid")(z), 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(get_activation("tanh")(z), np.tanh(z))


def test_unknown_activation_lists_valid_names():
    with pytest.raises(ValueError) as info:
        get_activation("swish")
    assert "swish" in str(info.value)
    assert all(name in str(info.value) for name in ACTIVATION_NAMES)


def test_neuron_by_hand():
    neuron = Neuron([0.5, -0.3], bias=0.1, activation="sigmoid")
    z = 0.5 * 1.0 + (-0.3) * 2.0 + 0.1
    assert neuron.pre_activation([1.0, 2.0]) == pytest.approx(z)
    assert neuron([1.0, 2.0]) == pytest.approx(1 / (1 + np.exp(-z)))
    relu = Neuron([2.0, 1.0], bias=-1.0, activation="relu")
    np.testing.assert_allclose(relu([[1.0, 1.0], [0.0, 0.5]]), [2.0, 0.0])


def test_neuron_rejects_wrong_input_count_and_softmax():
    with pytest.raises(ValueError, match="expected 2 inputs"):
        Neuron([1.0, 2.0])([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="softmax"):
        Neuron([1.0], activation="softmax")


def flat_parameters(net):
    return [p for layer in net.dense for p in (layer.weights, layer.biases)]


def numeric_gradients(net, x, y, loss, h=1e-6):
    grads = []
    for param in flat_parameters(net):
        grad = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            original = param[index]
            param[index] = original + h
            up = net.loss(x, y, loss)
            param[index] = original - h
            down = net.loss(x, y, loss)
            param[index] = original
            grad[index] = (up - down) / (2 * h)
        grads.append(grad)
    return grads


def relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12)


@pytest.mark.parametrize(
    "hidden, output, loss, n_out",
    [
        ("tanh", "sigmoid", "mse", 1),
        ("sigmoid", "sigmoid", "cross_entropy", 1),
        ("relu", "identity", "mse", 2),
        ("tanh", "softmax", "cross_entropy", 3),
        ("sigmoid", "softmax", "mse", 3),
    ],
)
def test_backprop_matches_finite_differences(hidden, output, loss, n_out):
    rng = np.random.default_rng(42)
    net = Network([3, 5, 4, n_out], activation=hidden, output_activation=output, seed=1)
    x = rng.normal(size=(6, 3))
    if n_out == 1:
        y = rng.integers(0, 2, size=(6, 1)).astype(float)
    elif output == "softmax":
        y = rng.integers(0, n_out, size=6)  # class labels become one-hot targets
    else:
        y = rng.normal(size=(6, n_out))
    analytic = [p for g in net.gradients(x, y, loss) for p in (g.weights, g.biases)]
    numeric = numeric_gradients(net, x, y, loss)
    for a, n in zip(analytic, numeric):
        assert a.shape == n.shape
        assert relative_error(a, n) < 1e-6


def test_cross_entropy_by_hand():
    p, y = np.array([[0.8], [0.3]]), np.array([[1.0], [0.0]])
    expected = -(np.log(0.8) + np.log(0.7)) / 2
    assert get_loss("cross_entropy").fn(p, y) == pytest.approx(expected)
    assert get_loss("mse").fn(p, y) == pytest.approx((0.04 + 0.09) / 2)


def test_parameter_count_by_hand():
    net = Network([2, 4, 1])
    assert net.parameter_count() == 2 * 4 + 4 + 4 * 1 + 1 == 17
    assert net.parameter_count(exclude=[0]) == 5
    assert Network([3, 5, 4, 2]).parameter_count() == 20 + 24 + 10


def test_initialisation_is_seeded():
    a, b, c = Network([2, 3, 1], seed=7), Network([2, 3, 1], seed=7), Network([2, 3, 1], seed=8)
    np.testing.assert_array_equal(a.dense[0].weights, b.dense[0].weights)
    assert not np.array_equal(a.dense[0].weights, c.dense[0].weights)


def test_invalid_widths_and_freeze_indices():
    with pytest.raises(ValueError, match="positive"):
        Network([2, 0, 1])
    net = Network([2, 3, 1])
    with pytest.raises(ValueError, match="out of range"):
        net.train(*load_dataset("xor"), epochs=1, learning_rate=0.1, freeze=[2])


@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_xor_training_reaches_full_accuracy(loss):
    x, y = load_dataset("xor")
    net = Network([2, 4, 1], activation="tanh", output_activation="sigmoid", seed=0)
    history = net.train(x, y, epochs=2000, learning_rate=1.0, loss=loss)
    assert len(history) == 2000
    assert history[-1] < 0.1 * history[0]
    np.testing.assert_array_equal(net(x) > 0.5, y == 1)


def test_freeze_keeps_layer_bit_identical():
    x, y = load_dataset("xor")
    net = Network([2, 4, 1], seed=0)
    before = [(l.weights.copy(), l.biases.copy()) for l in net.dense]
    net.train(x, y, epochs=50, learning_rate=0.5, freeze=[0])
    np.testing.assert_array_equal(net.dense[0].weights, before[0][0])
    np.testing.assert_array_equal(net.dense[0].biases, before[0][1])
    assert not np.array_equal(net.dense[1].weights, before[1][0])


def test_after_epoch_sees_each_epoch_once_its_updates_are_done():
    x, y = load_dataset("xor")
    watched, plain = Network([2, 3, 1], seed=1), Network([2, 3, 1], seed=1)
    losses_seen: list[tuple[int, float]] = []
    history = watched.train(x, y, epochs=5, learning_rate=0.5, batch_size=2,
                            after_epoch=lambda epoch: losses_seen.append((epoch, watched.loss(x, y))))
    assert losses_seen == list(enumerate(history, start=1))
    assert plain.train(x, y, epochs=5, learning_rate=0.5, batch_size=2) == history  # watching changes nothing


def test_mini_batch_training_lowers_loss_and_differs_from_full_batch():
    x, y = load_dataset("moons", n_samples=64)
    mini = Network([2, 8, 1], seed=3)
    full = Network([2, 8, 1], seed=3)
    history = mini.train(x, y, epochs=60, learning_rate=0.5, loss="cross_entropy", batch_size=8)
    full.train(x, y, epochs=60, learning_rate=0.5, loss="cross_entropy")
    assert history[-1] < history[0]
    assert not np.allclose(mini.dense[0].weights, full.dense[0].weights)
    assert ((mini(x) > 0.5) == (y == 1)).mean() > 0.8


def test_datasets_are_seeded_and_shaped():
    for name in DATASET_NAMES:
        x, y = load_dataset(name, seed=1, n_samples=40)
        x2, y2 = load_dataset(name, seed=1, n_samples=40)
        np.testing.assert_array_equal(x, x2)
        np.testing.assert_array_equal(y, y2)
        assert x.ndim == 2 and y.ndim == 2 and len(x) == len(y)
    assert load_dataset("circles", n_samples=40)[0].shape == (40, 2)
    assert load_dataset("sine", n_samples=40)[0].shape == (40, 1)
    np.testing.assert_array_equal(load_dataset("and")[1].ravel(), [0, 0, 0, 1])
    np.testing.assert_array_equal(load_dataset("or")[1].ravel(), [0, 1, 1, 1])
    assert not np.array_equal(load_dataset("moons", seed=1)[0], load_dataset("moons", seed=2)[0])


def test_unknown_dataset_lists_names():
    with pytest.raises(ValueError) as info:
        load_dataset("spirals")
    assert all(name in str(info.value) for name in DATASET_NAMES)
