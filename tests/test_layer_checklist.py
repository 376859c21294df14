"""The library side of README "Adding a layer": each step forgotten fails here, naming the step.

Step 2: every public function of nnfunc that returns a Layer is registered, and every
registered layer, activation and loss is exported.  Step 3: every module of nnfunc/ has
its test file.  Step 7: the README's layer contract mentions every registered name.
(Steps 4-6 are checked in tests/derivations; step 1's doctests in tests/test_docstrings.py.)
"""
import importlib
import inspect
import pkgutil
import re
import types
from pathlib import Path

import pytest

import nnfunc as nf
from nnfunc.layer import Layer

ROOT = Path(__file__).resolve().parents[1]
REGISTRIES = {"nf.LAYERS": nf.LAYERS, "nf.ACTIVATIONS": nf.ACTIVATIONS, "nf.LOSSES": nf.LOSSES}
# Public functions that return a Layer without being a layer of their own, and why.
NOT_LAYERS = {
    "nnfunc.activations.activation": "looks a registered activation up by its name",
    "nnfunc.activations.elementwise": "the layer of any Activation; each registered activation is made with it",
    "nnfunc.softmax.row_layer": "the row-wise layer softmax and log_softmax are made with; both are registered",
    "nnfunc.classic.threshold.threshold_net": "a network of registered layers, serial(dense(1), step())",
}
# Modules whose tests live in another module's test file, and why (step 3).
TESTED_ELSEWHERE = {
    "nnfunc/windows.py": "the window geometry of conv and pooling: tests/nnfunc/window_cases.py, used by "
                         "test_conv.py and test_pool.py",
    "nnfunc/idx.py": "the IDX reader under load_mnist_like: tests/nnfunc/test_data.py",
}


def returns_layer(fn) -> bool:
    """Whether ``fn`` is annotated to return a :class:`Layer`."""
    return inspect.signature(fn).return_annotation in (Layer, "Layer")


def unregistered(modules, registries: dict) -> list[str]:
    """One line per public Layer-returning function of ``modules`` that no registry holds."""
    registered = {id(v) for registry in registries.values() for v in registry.values()}
    return [f"{module.__name__}.{name} returns a Layer but is in no registry: add it to nf.LAYERS (or "
            'ACTIVATIONS) and __all__ in nnfunc/__init__.py (README "Adding a layer", step 2)'
            for module in modules for name, fn in vars(module).items()
            if inspect.isfunction(fn) and fn.__module__ == module.__name__ and not name.startswith("_")
            and returns_layer(fn) and id(fn) not in registered and f"{module.__name__}.{name}" not in NOT_LAYERS]


def unexported(registries: dict, package) -> list[str]:
    """One line per registered constructor or loss that ``package`` does not export under its own name."""
    problems = []
    for registry, entries in registries.items():
        for name, value in entries.items():
            exported = getattr(value, "__name__", name)
            if exported not in package.__all__ or getattr(package, exported, None) is not value:
                problems.append(f"{registry}[{name!r}] is not exported as nf.{exported}: import it in "
                                f'nnfunc/__init__.py and add {exported!r} to __all__ (README "Adding a layer", step 2)')
    return problems


def untested(source: Path, tests: Path, exempt: dict) -> list[str]:
    """One line per module under ``source`` with neither ``tests/<same folders>/test_<module>.py`` nor a
    test file for its package (``tests/nnfunc/test_classic.py`` for ``nnfunc/classic/gates.py``)."""
    problems = []
    for module in sorted(source.rglob("*.py")):
        relative = module.relative_to(source)
        if module.name == "__init__.py" or f"{source.name}/{relative.as_posix()}" in exempt:
            continue
        own = tests / relative.parent / f"test_{module.stem}.py"
        packages = [tests / folder.parent / f"test_{folder.name}.py" for folder in relative.parents if folder.name]
        if not own.exists() and not any(p.exists() for p in packages):
            problems.append(f"{source.name}/{relative.as_posix()} has no test file: write "
                            f'{own.relative_to(ROOT) if own.is_relative_to(ROOT) else own} (README "Adding a layer", step 3)')
    return problems


def section(text: str, heading: str) -> str:
    """The body of the Markdown section ``heading`` (up to the next heading of that level or higher)."""
    match = re.search(rf"^{re.escape(heading)}\n(.*?)(?=^#{{1,{heading.count('#')}}} )", text, re.S | re.M)
    assert match, f"README.md has no section {heading!r}"
    return match.group(1)


def unmentioned(registries: dict, text: str) -> list[str]:
    """One line per registered name that ``text`` never writes as a whole identifier."""
    return [f"{registry}[{name!r}] is not in README.md's \"## The layer contract\": add it to the list there "
            '(README "Adding a layer", step 7)'
            for registry, entries in registries.items() for name in entries
            if not re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text)]


def all_modules():
    return [importlib.import_module(m.name) for m in pkgutil.walk_packages(nf.__path__, "nnfunc.")]


def test_every_public_layer_constructor_is_registered():
    problems = unregistered(all_modules(), REGISTRIES)
    assert not problems, "\n".join(problems)


def test_every_registered_name_is_exported():
    assert {"LAYERS", "ACTIVATIONS", "LOSSES"} <= set(nf.__all__)
    problems = unexported(REGISTRIES, nf)
    assert not problems, "\n".join(problems)


def test_every_module_has_its_test_file():
    problems = untested(ROOT / "nnfunc", ROOT / "tests" / "nnfunc", TESTED_ELSEWHERE)
    assert not problems, "\n".join(problems)


def test_the_readme_lists_every_layer_activation_and_loss():
    problems = unmentioned(REGISTRIES, section((ROOT / "README.md").read_text(encoding="utf-8"),
                                               "## The layer contract"))
    assert not problems, "\n".join(problems)


def test_the_exemptions_are_still_needed():
    for path in TESTED_ELSEWHERE:
        assert (ROOT / path).exists(), f"{path} is gone: drop it from TESTED_ELSEWHERE"
        assert not (ROOT / "tests" / Path(path).with_name(f"test_{Path(path).name}")).exists(), (
            f"{path} has its own test file now: drop it from TESTED_ELSEWHERE")
    for name in NOT_LAYERS:
        module, _, function = name.rpartition(".")
        assert returns_layer(getattr(importlib.import_module(module), function)), f"{name}: drop it from NOT_LAYERS"


# The checks themselves, each shown failing on a planted omission.

def gelu() -> Layer:
    """A layer constructor planted in a fake module of nnfunc, never registered."""


def test_an_unregistered_layer_is_named():
    module = types.ModuleType("nnfunc.planted")
    module.gelu, module.dense = gelu, nf.dense
    gelu.__module__ = module.__name__
    [problem] = unregistered([module], REGISTRIES)
    assert problem.startswith("nnfunc.planted.gelu returns a Layer but is in no registry") and "step 2" in problem


def test_an_unexported_layer_is_named():
    class Package:
        __all__ = ["dense"]
        dense = nf.dense

    [problem] = unexported({"nf.LAYERS": {"dense": nf.dense, "conv": nf.conv}}, Package)
    assert problem.startswith("nf.LAYERS['conv'] is not exported as nf.conv") and "step 2" in problem


def test_a_module_without_test_file_is_named(tmp_path):
    source, tests = tmp_path / "nnfunc", tmp_path / "tests"
    for path in ("nnfunc/__init__.py", "nnfunc/dense.py", "nnfunc/gelu.py", "nnfunc/classic/gates.py",
                 "nnfunc/training/fit.py", "nnfunc/training/epoch.py",
                 "tests/test_dense.py", "tests/test_classic.py", "tests/training/test_fit.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).touch()
    problems = untested(source, tests, {})
    assert [p.split(" ")[0] for p in problems] == ["nnfunc/gelu.py", "nnfunc/training/epoch.py"]
    assert all("has no test file" in p and "step 3" in p for p in problems)


def test_a_layer_missing_from_the_readme_is_named():
    [problem] = unmentioned({"nf.LAYERS": {"dense": nf.dense, "conv": nf.conv}}, "`nf.dense(n_out)`, deconv")
    assert problem.startswith("nf.LAYERS['conv'] is not in README.md") and "step 7" in problem


@pytest.mark.parametrize("heading, contains, lacks", [
    ("## The layer contract", "nf.dense(n_out)", "check_layer(my_layer"),
    ("## Adding a layer", "PROVES", "## Training a network"),
])
def test_a_readme_section_ends_at_the_next_heading(heading, contains, lacks):
    body = section((ROOT / "README.md").read_text(encoding="utf-8"), heading)
    assert contains in body and lacks not in body
