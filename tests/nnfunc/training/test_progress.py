"""The progress bar: drawn in place at a terminal outside CI, one line in all, nothing when off."""
import io

import pytest

from nnfunc.training.progress import ProgressBar, wanted


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("ci, enabled, drawn", [("", None, True), ("1", None, False), ("", False, False),
                                                ("1", True, True)])
def test_drawn_at_a_terminal_outside_ci_unless_told(monkeypatch, ci, enabled, drawn):
    monkeypatch.setenv("CI", ci)
    assert wanted(enabled, Terminal()) == drawn
    assert not wanted(None, io.StringIO()), "a stream that is not a terminal gets no bar by default"


def test_redrawn_in_place_and_ended_with_one_newline():
    out = io.StringIO()
    bar = ProgressBar(3, out, enabled=True, width=3)
    for done in (1, 2, 3):
        bar.update(done, f"loss {1 / done:.2f}")
    bar.close()
    assert out.getvalue() == "\r[#..] 1/3 loss 1.00\r[##.] 2/3 loss 0.50\r[###] 3/3 loss 0.33\n"


def test_a_bar_never_drawn_writes_nothing_and_a_count_past_the_total_stays_full():
    silent, out = io.StringIO(), io.StringIO()
    ProgressBar(3, silent, enabled=True).close()
    bar = ProgressBar(2, out, enabled=True, width=2)
    bar.update(5)
    assert silent.getvalue() == "" and out.getvalue() == "\r[##] 5/2"
