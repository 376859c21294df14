"""The README's Python examples run as written, one after another in one namespace."""
import re
from pathlib import Path

import pytest

from tests.helpers import mnist_like_present

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_blocks_run(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert len(blocks) >= 3, "README.md lost its python examples"
    namespace: dict = {"__name__": "readme"}
    for block in blocks:
        if "load_mnist_like" in block and not mnist_like_present():
            continue  # needs the IDX files (Debian's dataset-fashion-mnist)
        exec(compile(block, str(README), "exec"), namespace)
    out = capsys.readouterr().out
    assert "PASS" in out  # the gradient check of the first example
    assert "epoch 1000 loss" in out and "Emily" in out and "Evaluation(loss=" in out  # training


def test_ci_runs_the_readme_test_command():
    assert "<!-- test command -->" in README.read_text()
    assert "README.md" in (README.parent / ".ci" / "run").read_text()
