"""nnfunc.augment: each image's transformation is one of the allowed ones, drawn per image, reproducibly."""
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import nnfunc as nf
from nnfunc.augment import compose, random_mirror, random_shift

KEY = jax.random.key(0)


def images(shape):
    """Distinct positive pixel values, so every shift and flip is told apart from every other."""
    return jnp.arange(1.0, 1.0 + np.prod(shape)).reshape(shape)


def shifted(image, offsets):
    """An independent reference: ``image`` (spatial..., channels) moved by ``offsets``, zero filled."""
    out = np.zeros_like(image)
    for index in np.ndindex(image.shape[:-1]):
        source = tuple(i - s for i, s in zip(index, offsets))
        if all(0 <= j < n for j, n in zip(source, image.shape[:-1])):
            out[index] = image[source]
    return out


@pytest.mark.parametrize("shape", [(16, 7, 2), (16, 5, 6, 3)])
def test_each_image_is_the_original_shifted_by_at_most_max_shift(shape):
    x = np.asarray(images(shape))
    out = np.asarray(random_shift(2)(KEY, x))
    spatial = len(shape) - 2
    seen = set()
    for image, result in zip(x, out):
        matches = [o for o in np.ndindex(*(5,) * spatial)
                   if np.array_equal(result, shifted(image, tuple(v - 2 for v in o)))]
        assert len(matches) == 1, "not a shift of the image by at most 2 pixels"
        seen.add(matches[0])
    assert len(seen) > 3, f"16 images drew only {len(seen)} different shifts"


def test_shift_zero_and_mirror_leave_shape_and_dtype():
    x = images((4, 6, 6, 1)).astype(jnp.float32)
    np.testing.assert_array_equal(random_shift(0)(KEY, x), x)
    for augment in (random_shift(3), random_mirror()):
        out = augment(KEY, x)
        assert out.shape == x.shape and out.dtype == x.dtype


def test_mirror_flips_about_half_the_images_left_to_right():
    x = np.asarray(images((200, 3, 4, 2)))
    out = np.asarray(random_mirror()(KEY, x))
    flipped = np.array([np.array_equal(o, i[:, ::-1]) for o, i in zip(out, x)])
    kept = np.array([np.array_equal(o, i) for o, i in zip(out, x)])
    assert np.all(flipped ^ kept)
    assert 70 < flipped.sum() < 130


def test_same_key_same_result_other_key_other_result():
    augment = compose(random_mirror(), random_shift(2))
    x = images((8, 10, 10, 1))
    np.testing.assert_array_equal(augment(KEY, x), augment(KEY, x))
    assert not np.array_equal(augment(KEY, x), augment(jax.random.key(1), x))
    np.testing.assert_array_equal(jax.jit(augment)(KEY, x), augment(KEY, x))


@pytest.mark.parametrize("augment, x, message", [
    (random_shift(1), jnp.ones((4, 3)), r"random_shift: expected a batch of images .* got shape \(4, 3\)"),
    (random_mirror(), jnp.ones((4,)), r"random_mirror: expected a batch of images .* got shape \(4,\)"),
])
def test_a_batch_that_is_not_images_is_a_clear_error(augment, x, message):
    with pytest.raises(ValueError, match=message):
        augment(KEY, x)


@pytest.mark.parametrize("max_shift", [-1, 1.5, "2"])
def test_a_bad_max_shift_is_a_clear_error(max_shift):
    with pytest.raises(ValueError, match="max_shift must be a non-negative int"):
        random_shift(max_shift)


def small_cnn_setup():
    net = nf.serial(nf.conv(2, (3,)), nf.relu(), nf.flatten(), nf.dense(2))
    params, _ = net.init(jax.random.key(3), (8, 1))
    x = np.asarray(jax.random.uniform(jax.random.key(4), (12, 8, 1)))
    t = np.eye(2)[np.arange(12) % 2]
    return net, params, x, t


def test_fit_with_augment_is_reproducible_and_differs_from_fit_without():
    net, params, x, t = small_cnn_setup()
    def run(augment, key=KEY):
        return nf.fit(net, params, (x, t), nf.softmax_cross_entropy, key=key, epochs=3, batch_size=4,
                      optimizer=optax.sgd(0.5), augment=augment, progress=False).params
    shift = random_shift(2)
    a, b, plain = run(shift), run(shift), run(None)
    for u, v in zip(jax.tree.leaves(a), jax.tree.leaves(b), strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0]["w"], plain[0]["w"]), "augment had no effect"


def test_fit_augment_with_no_change_equals_fit_without_it_on_the_same_batches():
    net, params, x, t = small_cnn_setup()
    def run(augment):
        return nf.fit(net, params, (x, t), nf.softmax_cross_entropy, key=KEY, epochs=2, batch_size=4,
                      shuffle=False, augment=augment, progress=False)
    same, plain = run(lambda key, xb: xb), run(None)
    for u, v in zip(jax.tree.leaves(same.params), jax.tree.leaves(plain.params), strict=True):
        np.testing.assert_array_equal(u, v)
    np.testing.assert_array_equal(same.history.loss, plain.history.loss)


@pytest.mark.parametrize("augment, message", [
    (lambda key, xb: xb[:, :4], r"augment must return a batch of the shape and dtype it was given, \(4, 8, 1\)"),
    (lambda key, xb: xb.astype(jnp.float32), "augment must return a batch of the shape and dtype"),
    ("mirror", "augment must be a function"),
])
def test_an_augment_that_changes_the_batch_shape_is_a_clear_error(augment, message):
    net, params, x, t = small_cnn_setup()
    with pytest.raises((ValueError, TypeError), match=message):
        nf.fit(net, params, (x, t), nf.softmax_cross_entropy, key=KEY, batch_size=4, augment=augment,
               progress=False)


def test_augment_needs_a_key_even_without_shuffling():
    net, params, x, t = small_cnn_setup()
    with pytest.raises(ValueError, match="needs an explicit PRNG key"):
        nf.fit(net, params, (x, t), nf.softmax_cross_entropy, shuffle=False, augment=random_mirror(),
               progress=False)
