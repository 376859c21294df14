"""README.md's commands: CI runs its test command, every ``python -m X`` names a runnable module,
every ``pip install -e '.[extra]'`` an extra that pyproject.toml declares.

(Its Python examples are run, each alone, by tests/test_readme_examples.py.)
"""
import importlib.util
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def module_commands(text: str) -> set[str]:
    """The X of every ``python -m X`` (``python3``, ``.venv/bin/python`` too) in ``text``."""
    return set(re.findall(r"python3?\s+-m\s+([A-Za-z_][\w.]*)", text))


def runnable(module: str) -> bool:
    """Whether ``python -m module`` from the repository root would find something to run:
    a module file, or a package with ``__main__.py``, in the checkout, else an installed one."""
    path = ROOT.joinpath(*module.split("."))
    if (ROOT / module.split(".")[0]).exists():
        return path.with_suffix(".py").is_file() or (path / "__main__.py").is_file()
    spec = importlib.util.find_spec(module)
    if spec is None:
        return False
    return not spec.submodule_search_locations or importlib.util.find_spec(module + ".__main__") is not None


def test_every_python_dash_m_in_the_readme_runs_a_module():
    modules = module_commands(README.read_text())
    assert {"experiments", "experiments.bench", "derivations", "pytest"} <= modules
    missing = sorted(m for m in modules if not runnable(m))
    assert not missing, f"README.md runs `python -m` on modules that do not exist: {missing}"


def test_the_module_check_finds_a_missing_module():
    assert module_commands("run `python -m experiments.nope` or python3 -m venv x") == {"experiments.nope", "venv"}
    assert not runnable("experiments.nope") and not runnable("nnfunc")  # nnfunc has no __main__
    assert runnable("experiments.studies.cnn_selection") and runnable("venv")


def test_every_pip_extra_in_the_readme_is_declared():
    extras = {e for group in re.findall(r"\.\[([\w,-]+)\]", README.read_text()) for e in group.split(",")}
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert {"experiments", "test"} <= extras
    assert extras <= set(declared), f"README.md installs extras pyproject.toml lacks: {sorted(extras - set(declared))}"


def test_ci_runs_the_readme_test_command():
    assert "<!-- test command -->" in README.read_text()
    assert "README.md" in (README.parent / ".ci" / "run").read_text()
