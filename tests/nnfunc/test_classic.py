"""The classic models: threshold units, the perceptron rule, Hebbian recall, the universality gates.

Expected values come from truth tables, hand-worked updates and closed-form
derivatives, never from the code under test.
"""
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import nnfunc as nf
from nnfunc.activations import SIGMOID, SOFTPLUS, TANH
from nnfunc.classic import (
    flip_bits, hebbian_couplings, mcculloch_pitts, multiplication_gate, perceptron_epoch, perceptron_fit,
    recall, second_derivative, three_bit_product, threshold_net,
)

X2 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
GATES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0]}
XOR = [0, 1, 1, 0]


def outputs(params, x):
    return np.asarray(threshold_net().forward(params, x)[0][:, 0])


# --- McCulloch–Pitts -------------------------------------------------------------

@pytest.mark.parametrize("weights, threshold, table", [
    ([1, 1], 2, [0, 0, 0, 1]),     # AND: fires when the sum reaches the threshold exactly
    ([1, 1], 1, [0, 1, 1, 1]),     # OR
    ([-1, -1], -1, [1, 1, 1, 0]),  # NAND
    ([1, 0], 1, [0, 0, 1, 1]),     # copy of x1
])
def test_mcculloch_pitts_truth_tables(weights, threshold, table):
    net, params = mcculloch_pitts(weights, threshold)
    assert outputs(params, X2).tolist() == table


def test_mcculloch_pitts_rejects_a_matrix_of_weights():
    with pytest.raises(ValueError, match=r"mcculloch_pitts: weights must be a vector.*\(2, 2\)"):
        mcculloch_pitts([[1, 1], [1, 1]], 1)


# --- perceptron rule -----------------------------------------------------------------

def unit(w, b):
    return ({"w": jnp.asarray(w, float)[:, None], "b": jnp.asarray([b], float)}, {})


@pytest.mark.parametrize("lr, w_after, b_after", [(1.0, [-0.5, -0.5], -0.8), (0.1, [0.4, -0.5], 0.1)])
def test_perceptron_lowers_only_active_inputs_when_it_fires_wrongly(lr, w_after, b_after):
    # z = 0.5·1 − 0.5·0 + 0.2 = 0.7 ≥ 0, output 1, target 0: subtract lr·x (x2 = 0 is left alone) and lr from b
    (p, _), mistakes = perceptron_epoch(unit([0.5, -0.5], 0.2), [[1.0, 0.0]], [0.0], lr)
    np.testing.assert_allclose(p["w"][:, 0], w_after, rtol=1e-15)
    np.testing.assert_allclose(p["b"], [b_after], rtol=1e-15)
    assert int(mistakes) == 1


def test_perceptron_raises_active_inputs_when_it_should_fire():
    # z = −1 + 0.3·1 = −0.7 < 0, output 0, target 1: add x = (0, 1) and 1 to b
    (p, _), mistakes = perceptron_epoch(unit([2.0, 0.3], -1.0), [[0.0, 1.0]], [[1.0]])
    assert p["w"][:, 0].tolist() == [2.0, 1.3] and p["b"].tolist() == [0.0] and int(mistakes) == 1


def test_perceptron_leaves_right_outputs_alone():
    (p, _), mistakes = perceptron_epoch(unit([1.0, 1.0], -1.5), X2, GATES["AND"])
    assert p["w"][:, 0].tolist() == [1.0, 1.0] and p["b"].tolist() == [-1.5] and int(mistakes) == 0


STARTS, MAX_EPOCHS = 40, 100


@jax.jit
def fit_many(targets):
    """perceptron_fit from STARTS keys, one compiled program shared by the tests."""
    keys = jax.random.split(jax.random.key(7), STARTS)
    return jax.vmap(lambda k: perceptron_fit(k, X2, targets, MAX_EPOCHS))(keys)


@pytest.mark.parametrize("gate", GATES)
def test_perceptron_converges_on_separable_gates_from_every_start(gate):
    fits = fit_many(jnp.asarray(GATES[gate], float))
    assert bool(fits.converged.all())
    assert len(np.unique(np.asarray(fits.params[0]["w"]), axis=0)) == STARTS  # every key its own start
    for i in range(STARTS):
        params = jax.tree.map(lambda leaf: leaf[i], fits.params)
        assert outputs(params, X2).tolist() == GATES[gate]
        epochs = int(fits.epochs[i])
        assert 0 <= epochs < MAX_EPOCHS
        assert (np.asarray(fits.mistakes[i, :epochs]) > 0).all() and not np.asarray(fits.mistakes[i, epochs:]).any()


def test_perceptron_never_converges_on_xor():
    fits = fit_many(jnp.asarray(XOR, float))
    assert not bool(fits.converged.any())
    assert np.asarray(fits.epochs).tolist() == [MAX_EPOCHS] * STARTS
    for i in range(STARTS):
        assert (outputs(jax.tree.map(lambda leaf: leaf[i], fits.params), X2) != XOR).any()


def test_perceptron_learns_three_input_majority():
    x = np.array(list(itertools.product([0, 1], repeat=3)), float)
    majority = (x.sum(axis=1) >= 2).astype(float)
    fit = perceptron_fit(jax.random.key(3), x, majority, max_epochs=100)
    assert bool(fit.converged) and outputs(fit.params, x).tolist() == majority.tolist()


def test_perceptron_fit_is_the_same_with_and_without_jit():
    key = jax.random.key(11)
    eager = perceptron_fit(key, X2, GATES["NAND"], 50)
    jitted = jax.jit(perceptron_fit, static_argnums=3)(key, X2, jnp.asarray(GATES["NAND"], float), 50)
    for a, b in zip(jax.tree.leaves(eager), jax.tree.leaves(jitted)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("x, t, error, match", [
    ([0.0, 1.0], [1.0], ValueError, r"perceptron_fit: inputs must have shape \(examples, features\), got \(2,\)"),
    (X2, [0, 1, 1], ValueError, r"targets have shape \(3,\) but inputs have shape \(4, 2\)"),
    (X2, "0110", TypeError, r"perceptron_fit: targets must be numeric"),
])
def test_perceptron_fit_rejects_bad_data(x, t, error, match):
    with pytest.raises(error, match=match):
        perceptron_fit(jax.random.key(0), x, t)


def test_perceptron_fit_rejects_a_bad_epoch_bound():
    with pytest.raises(ValueError, match="max_epochs must be a positive int, got 0"):
        perceptron_fit(jax.random.key(0), X2, XOR, max_epochs=0)


# --- Hebbian couplings and recall ------------------------------------------------------

def test_hebbian_couplings_by_hand():
    # ξ1 ξ1ᵀ + ξ2 ξ2ᵀ = [[2, 0, 0], [0, 2, −2], [0, −2, 2]]; divide by N = 3, zero the diagonal
    w = hebbian_couplings([[1, 1, -1], [1, -1, 1]])
    np.testing.assert_allclose(w, [[0, 0, 0], [0, 0, -2 / 3], [0, -2 / 3, 0]], rtol=1e-15)


def test_hebbian_couplings_are_symmetric_with_zero_diagonal():
    w = np.asarray(hebbian_couplings(np.random.default_rng(0).choice([-1.0, 1.0], (4, 30))))
    assert np.array_equal(w, w.T) and not np.diag(w).any()


def test_recall_is_synchronous_and_sign_of_zero_is_plus_one():
    w = hebbian_couplings([[1, 1, -1], [1, -1, 1]])
    # fields W s for s = (−1, 1, 1): (0, −2/3, −2/3) -> (+1, −1, −1), all three updated at once
    s, steps = recall(w, jnp.array([-1.0, 1.0, 1.0]), max_steps=1)
    assert s.tolist() == [1.0, -1.0, -1.0] and int(steps) == 1
    # from there the fields are (0, 2/3, 2/3) -> (1, 1, 1), then back: a 2-cycle, stopped at max_steps
    s, steps = recall(w, jnp.array([-1.0, 1.0, 1.0]), max_steps=10)
    assert s.tolist() == [1.0, 1.0, 1.0] and int(steps) == 10


def test_orthogonal_stored_patterns_are_fixed_points():
    hadamard = np.array([[1, 1, 1, 1, 1, 1, 1, 1], [1, -1, 1, -1, 1, -1, 1, -1],
                         [1, 1, -1, -1, 1, 1, -1, -1]], float)
    s, steps = recall(hebbian_couplings(hadamard), hadamard)
    assert np.array_equal(s, hadamard) and int(steps) == 1


def test_recall_cleans_up_corrupted_patterns():
    # 3 patterns in 64 neurons, 6 bits (~10 %) flipped: crosstalk std √(2/64) ≈ 0.18 against a field of 0.81
    n_flips, trials = 6, 10
    patterns = np.random.default_rng(5).choice([-1.0, 1.0], (3, 64))
    targets = np.repeat(patterns, trials, axis=0)

    @jax.jit
    def corrupt_and_recall(key):
        noisy = jax.vmap(flip_bits, (0, 0, None))(jax.random.split(key, len(targets)), targets, n_flips)
        return noisy, recall(hebbian_couplings(patterns), noisy, 20)[0]

    noisy, s = corrupt_and_recall(jax.random.key(6))
    assert (np.asarray((noisy != targets).sum(axis=1)) == n_flips).all()
    assert np.array_equal(s, targets)


def test_flip_bits_flips_exactly_n_distinct_bits():
    ones = jnp.ones(12)
    counts = jax.jit(jax.vmap(lambda k, n: (flip_bits(k, ones, n) == -1).sum()))(
        jax.random.split(jax.random.key(0), 13), jnp.arange(13))
    assert counts.tolist() == list(range(13))


@pytest.mark.parametrize("call, match", [
    (lambda: hebbian_couplings([1, -1, 1]), r"hebbian_couplings: patterns must have shape \(P, N\), got \(3,\)"),
    (lambda: recall(jnp.zeros((3, 3)), jnp.ones(4)),
     r"recall: state has shape \(4,\) but couplings have shape \(3, 3\)"),
    (lambda: recall(jnp.zeros((3, 4)), jnp.ones(4)), r"recall: couplings must be a square .* \(3, 4\)"),
    (lambda: recall(jnp.zeros((3, 3)), jnp.ones(3), max_steps=0), "recall: max_steps must be a positive int"),
    (lambda: flip_bits(jax.random.key(0), jnp.ones((2, 2)), 1), r"flip_bits: pattern must be a vector"),
])
def test_hebbian_functions_reject_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --- the multiplication gate -------------------------------------------------------------

def test_second_derivatives_match_closed_forms():
    s1 = 1 / (1 + np.exp(-1.0))
    assert second_derivative(SOFTPLUS, 0.0) == pytest.approx(0.25, rel=1e-15)
    assert second_derivative(SIGMOID, 1.0) == pytest.approx(s1 * (1 - s1) * (1 - 2 * s1), rel=1e-14)
    assert second_derivative(TANH, 0.0) == 0


def test_gate_hidden_layer_is_a_plus_minus_scaled_sum_and_difference():
    lam, a, x, y = 0.3, 0.7, 0.4, -0.9
    net, params = multiplication_gate(nf.sigmoid(), lam, bias=a)
    assert net.name == "serial(dense(4), sigmoid, dense(1))"
    z, _ = nf.dense(4).forward(params[0], [[x, y]])
    np.testing.assert_allclose(z[0], [a + lam * (x + y), a - lam * (x + y), a + lam * (x - y), a - lam * (x - y)],
                               rtol=1e-15)


def test_softplus_gate_error_is_the_predicted_second_order_term():
    # softplus''(0) = 1/4 and softplus''''(0) = σ'''(0) = −1/8: error = −λ²/12 · xy(x² + y²) + O(λ⁴)
    lam = 1e-2
    rng = np.random.default_rng(2)
    xy = rng.uniform(0.3, 1.0, (50, 2)) * rng.choice([-1.0, 1.0], (50, 2))  # away from the axes
    net, params = multiplication_gate(nf.softplus(), lam)
    x, y = xy[:, 0], xy[:, 1]
    error = net.forward(params, xy)[0][:, 0] - x * y
    predicted = -lam**2 / 12 * x * y * (x**2 + y**2)
    np.testing.assert_allclose(error, predicted, rtol=1e-3)


@pytest.mark.parametrize("layer, bias", [(nf.tanh(), 0.5), (nf.sigmoid(), 1.0), (nf.softplus(), 0.0)])
def test_gate_multiplies_at_small_scale(layer, bias):
    xy = np.random.default_rng(4).uniform(-1.0, 1.0, (30, 2))
    net, params = multiplication_gate(layer, 1e-3, bias)
    np.testing.assert_allclose(net.forward(params, xy)[0][:, 0], xy[:, 0] * xy[:, 1], atol=1e-5)


def test_gate_hand_backward_gives_the_product_rule():
    # d(xy)/dx = y and d(xy)/dy = x, up to the O(λ²) error of the gate
    xy = np.random.default_rng(8).uniform(-1.0, 1.0, (20, 2))
    net, params = multiplication_gate(nf.softplus(), 1e-3)
    y, cache = net.forward(params, xy)
    _, delta_x = net.backward(params, cache, np.ones(y.shape))
    np.testing.assert_allclose(delta_x, xy[:, ::-1], atol=1e-5)


def test_gate_scale_may_be_traced():
    def gate(lam):
        net, params = multiplication_gate(nf.softplus(), lam, curvature=0.25)
        return net.forward(params, jnp.array([[0.6, -0.7]]))[0][0, 0]
    scales = jnp.array([1e-1, 1e-2, 1e-3])
    eager = [float(gate(float(lam))) for lam in scales]
    np.testing.assert_allclose(jax.jit(jax.vmap(gate))(scales), eager, rtol=1e-14)


@pytest.mark.parametrize("layer", [nf.tanh(), nf.sigmoid()])
def test_gate_refuses_a_zero_second_derivative(layer):
    with pytest.raises(ValueError, match=r"sigma''\(0.0\) = 0"):
        multiplication_gate(layer, 1e-2)


@pytest.mark.parametrize("scale", [0.0, -1e-2, float("nan"), float("inf"), [1e-2, 1e-3], "small"])
def test_gate_rejects_a_bad_scale(scale):
    with pytest.raises(ValueError, match=r"multiplication_gate\(softplus\): scale must be a positive finite number"):
        multiplication_gate(nf.softplus(), scale)


@pytest.mark.parametrize("layer", [nf.dense(3), nf.softmax()])
def test_gate_needs_an_elementwise_activation(layer):
    with pytest.raises(TypeError, match="needs an elementwise activation layer"):
        multiplication_gate(layer, 1e-2)


# --- the three-bit neuron -------------------------------------------------------------------

@pytest.mark.parametrize("k", [4.0, 12.0, 30.0])
def test_three_bit_neuron_is_the_product_with_the_predicted_error(k):
    bits = np.array(list(itertools.product([0, 1], repeat=3)), float)
    net, params = three_bit_product(k)
    y = np.asarray(net.forward(params, bits)[0][:, 0])
    product = bits.prod(axis=1)
    assert np.round(y).tolist() == product.tolist()
    assert abs(np.max(np.abs(y - product)) - 1 / (1 + np.exp(k / 2))) < 1e-15


@pytest.mark.parametrize("k", [0.0, -3.0, float("nan"), "steep"])
def test_three_bit_neuron_rejects_a_bad_steepness(k):
    with pytest.raises(ValueError, match="three_bit_product: steepness must be a positive finite number"):
        three_bit_product(k)
