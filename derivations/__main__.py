"""``python -m derivations [--check] [--out PATH] [SECTION ...]``.

Without ``--check``: run the derivations, write the document and print one line per
derivation.  The document goes to ``--out``, or by default to ``docs/derivations.md``
of the checkout this package sits in; outside a checkout there is no default, and the
command says so.  With ``--check``: run and print, write nothing.  Either way the exit
status is 1 when any derivation disagrees with the code, and each disagreement is
printed naming it; a bad section name or an unwritable ``--out`` is one line on
stderr and exit status 2, before anything runs.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import tomllib
from pathlib import Path

import jax

CHECKOUT = Path(__file__).resolve().parent.parent
DOCUMENT = CHECKOUT / "docs" / "derivations.md"
PROG = "python -m derivations"


class UsageError(Exception):
    """A bad command line or an unusable ``--out``; its message is the one line printed."""


def report(derivations) -> tuple[str, int]:
    """The printed summary and the exit status (1 when anything disagrees)."""
    from derivations import failures

    lines = [f"{'agrees   ' if d.ok else 'DISAGREES'} {d.section} / {d.name}" for d in derivations]
    problems = failures(derivations)
    lines += [f"FAIL {p}" for p in problems]
    lines.append(f"{len(derivations) - sum(not d.ok for d in derivations)}/{len(derivations)} derivations agree")
    return "\n".join(lines), int(bool(problems))


def in_checkout(root: Path) -> bool:
    """Whether ``root`` is a checkout of nnfunc: a ``pyproject.toml`` naming it beside ``docs/``."""
    try:
        project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return False
    return project.get("name") == "nnfunc" and (root / "docs").is_dir()


def document_path(out: Path | None) -> Path:
    """Where the document goes; :class:`UsageError` when it cannot be written there."""
    if out is None:
        if not in_checkout(CHECKOUT):
            raise UsageError(f"{CHECKOUT} is not a checkout of nnfunc, so there is no docs/ to write to; "
                             "pass --out PATH for the document, or --check to write nothing")
        out = DOCUMENT
    if problem := unwritable(out):
        raise UsageError(f"cannot write {out}: {problem}")
    return out


def unwritable(path: Path) -> str:
    """Why a file cannot be written at ``path`` (its missing folders made first), or ``""``."""
    existing = next(p for p in (path, *path.parents) if p.exists())
    if existing == path and path.is_dir():
        return f"{path} is a folder"
    if existing != path and not existing.is_dir():
        return f"{existing} is not a folder"
    if not os.access(existing, os.W_OK):
        return f"{existing} is not writable"
    return ""


def parser(titles: dict[str, str]) -> argparse.ArgumentParser:
    """The argument parser; its help lists every section by registry name and document title."""
    listing = "\n".join(f"  {name:<12} {title}" for name, title in titles.items())
    result = argparse.ArgumentParser(
        prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Prove nnfunc's hand-written derivatives with SymPy and write the derivations document.",
        epilog=f"sections (by name or title, in any case):\n{listing}")
    result.add_argument("sections", nargs="*", metavar="SECTION", help="sections to run (default: all)")
    result.add_argument("--check", action="store_true", help="only check, write nothing; exit 1 naming any disagreement")
    result.add_argument("--out", type=Path, metavar="PATH", help="where to write the document (default: docs/derivations.md "
                                                 "of this checkout)")
    return result


def main(argv=None) -> int:
    """Command line entry point; returns the exit status."""
    jax.config.update("jax_enable_x64", True)
    from derivations import run, section_names, titles
    from derivations.render import render

    args = parser(titles()).parse_args(argv)
    try:
        names = section_names(args.sections)
        out = None if args.check else document_path(args.out)
    except (ValueError, UsageError) as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    derivations = run(names or None)
    text, status = report(derivations)
    print(text)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render(derivations), encoding="utf-8")
        print(f"wrote {out}")
    print(f"{time.perf_counter() - start:.1f} s", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
