"""The installed distribution holds only the library: ``nnfunc`` and its metadata.

``derivations/`` and ``experiments/`` run from a checkout; installed, generic names like
``experiments`` would collide with other projects in site-packages.
"""
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def checkout_sources(destination: Path) -> None:
    """Copy the build inputs and every top-level package of the checkout to ``destination``."""
    destination.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, destination / name)
    for package in ROOT.glob("*/__init__.py"):
        shutil.copytree(package.parent, destination / package.parent.name,
                        ignore=shutil.ignore_patterns("__pycache__"))


def test_the_wheel_holds_only_nnfunc(tmp_path):
    # Built from a copy, so that setuptools' build/ and egg-info never land in the checkout.
    source = tmp_path / "source"
    checkout_sources(source)
    assert {"nnfunc", "derivations", "experiments"} <= {p.name for p in source.iterdir()}
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                            "-w", str(tmp_path / "wheel"), str(source)],
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, f"building the wheel failed (setuptools>=70.1 installed?):\n{build.stderr}"
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        top_level = {name.split("/")[0] for name in archive.namelist()}
    assert top_level == {"nnfunc", wheel.name.split("-py")[0] + ".dist-info"}
