"""The timing harness: rounds in rotation, several calls per sample of a short function, per-round ratios."""
import doctest
import math
import time

import pytest

from experiments.bench import timing


def test_measure_rotates_the_order_of_each_round():
    calls = []
    fns = {name: (lambda name=name: calls.append(name)) for name in "abc"}
    result = timing.measure(fns, repeats=2, warmup=1, min_sample_s=0, rewarm_s=0)
    assert calls == list("abc") + list("abcbcacab")  # calibration, then rounds
    assert all(len(t.times_s) == 2 and t.calls == 1 for t in result.values())
    with pytest.raises(ValueError, match="repeats >= 1"):
        timing.measure(fns, repeats=0)


def test_a_short_function_is_sampled_in_several_calls_after_one_untimed_call():
    calls = []
    result = timing.measure({"short": lambda: calls.append(1)}, repeats=3, warmup=0, min_sample_s=0.01)
    assert result["short"].calls > 1 and len(calls) == 1 + 3 * (1 + result["short"].calls)
    assert result["short"].summary()["calls_per_sample"] == result["short"].calls


def test_a_function_slower_than_rewarm_s_gets_no_untimed_call():
    calls = []
    timing.measure({"slow": lambda: (calls.append(1), time.sleep(0.005))}, repeats=2, warmup=0,
                   min_sample_s=0, rewarm_s=0.001)
    assert len(calls) == 1 + 2


def test_ratio_is_per_round_and_needs_the_same_rounds():
    r = timing.ratio(timing.Timing((1.0, 6.0)), timing.Timing((2.0, 2.0)))
    assert r.times_s == (0.5, 3.0) and r.median_s == 1.75 and not math.isnan(r.max_s)
    with pytest.raises(ValueError):
        timing.ratio(timing.Timing((1.0,)), timing.Timing((1.0, 2.0)))


def test_a_quick_run_repeats_less():
    assert timing.default_repeats(quick=True) < timing.default_repeats(quick=False)


def test_docstring_examples():
    result = doctest.testmod(timing)
    assert result.attempted > 0 and result.failed == 0
