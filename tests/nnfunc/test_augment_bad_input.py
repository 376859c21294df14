"""Augmentations given a bad key, and compose given what is not an augmentation."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nnfunc.augment import compose, random_mirror, random_shift

IMAGES = jnp.ones((2, 4, 4, 1))
AUGMENTS = [("random_mirror", random_mirror()), ("random_shift", random_shift(1)),
            ("compose", compose(random_mirror(), random_shift(1)))]
WRAPS = [pytest.param(lambda f: f, id="eager"), pytest.param(jax.jit, id="jit")]


@pytest.mark.parametrize("wrap", WRAPS)
@pytest.mark.parametrize("name, augment", AUGMENTS, ids=[name for name, _ in AUGMENTS])
@pytest.mark.parametrize("key, got", [(0, "int 0"), (np.zeros(3, np.uint32), "an array of dtype uint32 and shape (3,)"),
                                      (jnp.zeros((2, 2), jnp.uint32), "an array of dtype uint32 and shape (2, 2)")])
def test_every_augmentation_names_a_bad_key(name, augment, key, got, wrap):
    if wrap is not WRAPS[0].values[0] and isinstance(key, int):
        key = jnp.asarray(key, jnp.int32)
        got = "an array of dtype int32 and shape ()"
    with pytest.raises(TypeError) as info:
        wrap(augment)(key, IMAGES)
    assert str(info.value) == f"{name}: key must be a JAX PRNG key such as jax.random.key(0), got {got}"


@pytest.mark.parametrize("name, augment", AUGMENTS, ids=[name for name, _ in AUGMENTS])
@pytest.mark.parametrize("key", [jax.random.key(4), jax.random.PRNGKey(4)])
def test_both_kinds_of_key_are_taken(name, augment, key):
    assert augment(key, IMAGES).shape == IMAGES.shape


@pytest.mark.parametrize("augments, index, shown", [((1,), 0, "int 1"), ((random_mirror(), "flip"), 1, "str 'flip'"),
                                                    ((random_mirror, None), 1, "NoneType None")])
def test_compose_names_what_is_not_an_augmentation(augments, index, shown):
    with pytest.raises(TypeError) as info:
        compose(*augments)
    assert str(info.value) == (f"compose: augment {index} is {shown}; expected a function (key, x) -> x "
                               "such as random_mirror() or random_shift(2)")
