"""The ``--out DIR`` of every command line here: created before any work, or one line saying why not."""
from __future__ import annotations

import os
from pathlib import Path


def output_dir_problem(out: Path) -> str | None:
    """Create ``out`` (with its parents) and return None, or say in one line why it cannot hold results.

    Creating it is the one sure test that it can be created; a directory that exists
    but cannot be written in is refused as well.

    >>> output_dir_problem(Path("/dev/null/x"))
    '--out /dev/null/x: cannot create that directory (Not a directory)'
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        return f"--out {out}: cannot create that directory ({err.strerror})"
    if not os.access(out, os.W_OK | os.X_OK):
        return f"--out {out}: cannot write in that directory"
    return None
