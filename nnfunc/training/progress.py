"""A one-line progress bar on stderr, shown only to a person at a terminal.

``enabled=None`` decides by itself: on when the stream is a terminal and the
environment variable ``CI`` is unset or empty, off otherwise.  ``True`` and
``False`` force it.
"""
from __future__ import annotations

import os
import sys


def wanted(enabled: bool | None, stream) -> bool:
    """Whether to draw: ``enabled`` if given, else a terminal outside CI.

    >>> import io
    >>> wanted(None, io.StringIO()), wanted(True, io.StringIO())
    (False, True)
    """
    if enabled is not None:
        return bool(enabled)
    return not os.environ.get("CI") and bool(getattr(stream, "isatty", lambda: False)())


class ProgressBar:
    """``[#####.....] 5/10 loss 0.1234`` redrawn in place with a carriage return.

    >>> import io
    >>> out = io.StringIO()
    >>> bar = ProgressBar(4, out, enabled=True, width=4)
    >>> bar.update(1, "loss 0.5")
    >>> bar.close()
    >>> out.getvalue()
    '\\r[#...] 1/4 loss 0.5\\n'
    """

    def __init__(self, total: int, stream=None, enabled: bool | None = None, width: int = 30):
        self.total, self.width = max(int(total), 1), width
        self.stream = sys.stderr if stream is None else stream
        self.enabled = wanted(enabled, self.stream)
        self.drawn = False

    def update(self, done: int, text: str = "") -> None:
        """Redraw the bar at ``done`` of ``total`` with ``text`` after it."""
        if not self.enabled:
            return
        filled = self.width * min(done, self.total) // self.total
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{self.total} {text}".rstrip())
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """End the line the bar was drawn on (nothing if it never was)."""
        if self.enabled and self.drawn:
            self.stream.write("\n")
            self.stream.flush()
