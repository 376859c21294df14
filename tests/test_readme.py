"""The README's Python examples run as written, one after another in one namespace."""
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_blocks_run(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "README.md has no python examples"
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    assert "PASS" in capsys.readouterr().out


def test_ci_runs_the_readme_test_command():
    text = README.read_text()
    assert "<!-- test command -->" in text
    assert "README.md" in (README.parent / ".ci" / "run").read_text()
