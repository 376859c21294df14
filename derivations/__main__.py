"""``python -m derivations [--check] [--out PATH] [SECTION ...]``.

Without ``--check``: run every derivation, write the document (default
``docs/derivations.md``) and print one line per derivation.  With ``--check``: run
and print, write nothing.  Either way the exit status is 1 when any derivation
disagrees with the code, and each disagreement is printed naming it.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import jax

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "derivations.md"


def report(derivations) -> tuple[str, int]:
    """The printed summary and the exit status (1 when anything disagrees)."""
    from derivations import failures

    lines = [f"{'agrees   ' if d.ok else 'DISAGREES'} {d.section} / {d.name}" for d in derivations]
    problems = failures(derivations)
    lines += [f"FAIL {p}" for p in problems]
    lines.append(f"{len(derivations) - sum(not d.ok for d in derivations)}/{len(derivations)} derivations agree")
    return "\n".join(lines), int(bool(problems))


def main(argv=None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m derivations", description=__doc__.splitlines()[0])
    parser.add_argument("sections", nargs="*", help="sections to run (default: all)")
    parser.add_argument("--check", action="store_true", help="only check; exit 1 naming any disagreement")
    parser.add_argument("--out", type=Path, default=DOCUMENT, help="where to write the document")
    args = parser.parse_args(argv)
    jax.config.update("jax_enable_x64", True)
    from derivations import run
    from derivations.render import render

    start = time.perf_counter()
    derivations = run(args.sections or None)
    text, status = report(derivations)
    print(text)
    if not args.check:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(render(derivations), encoding="utf-8")
        print(f"wrote {args.out}")
    print(f"{time.perf_counter() - start:.1f} s", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
