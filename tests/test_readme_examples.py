"""Every ```python block of README.md runs alone, as a script in a fresh process, and
prints what the README says it prints.

A block's expected output is the ```text block that follows it before the next heading
or code block; it is compared as doctest compares (``...`` matches anything, runs of
whitespace are equal).  Blocks that read the MNIST-format files are skipped without them.
"""
import doctest
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.helpers import mnist_like_present

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
HEADING = re.compile(r"^#+ (.+)$", re.M)


class Example(NamedTuple):
    heading: str
    line: int          # line number of the block's first line of code in README.md
    code: str
    output: str | None  # the ```text block after it, if any

    @property
    def where(self) -> str:
        first = self.code.strip().splitlines()[0] if self.code.strip() else "(empty)"
        return f"README.md:{self.line}, under heading '{self.heading}', starting {first!r}"


def examples(text: str) -> list[Example]:
    """The python blocks of ``text`` with their heading, line and expected output."""
    fences = list(FENCE.finditer(text))
    found = []
    for i, fence in enumerate(fences):
        if fence.group(1) != "python":
            continue
        headings = HEADING.findall(text, 0, fence.start())
        output = None
        if i + 1 < len(fences) and fences[i + 1].group(1) == "text":
            after = fences[i + 1]
            if not HEADING.search(text, fence.end(), after.start()):
                output = after.group(2)
        line = text.count("\n", 0, fence.start()) + 2
        found.append(Example(headings[-1] if headings else "(top)", line, fence.group(2), output))
    return found


EXAMPLES = examples(README.read_text())


def test_readme_has_its_examples():
    assert len(EXAMPLES) >= 4, "README.md lost python examples"
    assert sum(e.output is not None for e in EXAMPLES) >= 4, "README.md lost the outputs of its examples"


def test_examples_are_found_with_their_outputs():
    text = "# A\n```python\nprint(1)\n```\nIt prints:\n```text\n1\n```\n## B\n```python\nx = 2\n```\n## C\n```text\n3\n```\n"
    assert examples(text) == [Example("A", 3, "print(1)\n", "1\n"), Example("B", 11, "x = 2\n", None)]


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e.heading}, line {e.line}" for e in EXAMPLES])
def test_example_runs_alone_and_prints_what_the_readme_says(example, tmp_path, monkeypatch):
    monkeypatch.delenv("NNFUNC_DATA", raising=False)  # the outputs shown are Fashion-MNIST's
    if "load_mnist_like" in example.code and not mnist_like_present():
        pytest.skip("needs Fashion-MNIST in /usr/share/datasets/fashion-mnist "
                    "(Debian's dataset-fashion-mnist)")
    script = tmp_path / "example.py"
    script.write_text(example.code)
    env = {**os.environ, "CI": "1"}
    env.pop("NNFUNC_DATA", None)
    # imports resolve as for a script in the repository root: the checkout first
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    run = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        pytest.fail(f"{example.where} failed (exit {run.returncode}):\n{run.stderr}", pytrace=False)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    checker = doctest.OutputChecker()
    if example.output is not None and not checker.check_output(example.output, run.stdout, flags):
        pytest.fail(f"{example.where} printed what the README does not show:\n"
                    + checker.output_difference(doctest.Example("", example.output), run.stdout, flags),
                    pytrace=False)
