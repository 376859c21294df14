"""JAX's persistent compilation cache for the experiments, and a clock for time spent compiling.

The cache directory is ``$NNFUNC_CACHE_DIR`` (default ``~/.cache/nnfunc/jax``;
``off`` disables the cache).  Every compilation is cached, however short
(``jax_persistent_cache_min_compile_time_secs = 0``): on a CPU most of the
experiments' programs compile in well under JAX's default threshold of one second,
so with the default nothing would be cached.

:class:`CompileClock` adds up, while it is open, what JAX reports through
:mod:`jax.monitoring`: seconds tracing to a jaxpr, lowering to MLIR, and in the XLA
backend (on a cache hit that last part is the time to load the executable), and
the cache's hits and misses.

>>> import jax, jax.numpy as jnp
>>> with CompileClock() as clock:
...     _ = jax.jit(lambda x: x * 3.0 + 1.0)(jnp.ones(5))
>>> clock.compiles >= 1 and clock.backend_s > 0
True
"""
from __future__ import annotations

import os
from pathlib import Path

import jax

CACHE_ENV = "NNFUNC_CACHE_DIR"
DEFAULT_CACHE_DIR = "~/.cache/nnfunc/jax"

_DURATIONS = {
    "/jax/core/compile/jaxpr_trace_duration": "trace_s",
    "/jax/core/compile/jaxpr_to_mlir_module_duration": "lower_s",
    "/jax/core/compile/backend_compile_duration": "backend_s",
}
_COUNTS = {
    "/jax/compilation_cache/cache_hits": "cache_hits",
    "/jax/compilation_cache/cache_misses": "cache_misses",
}


def cache_dir(environ=os.environ) -> Path | None:
    """The cache directory from ``NNFUNC_CACHE_DIR`` (or the default); None when set to ``off``.

    >>> cache_dir({"NNFUNC_CACHE_DIR": "off"}) is None, cache_dir({"NNFUNC_CACHE_DIR": "/tmp/c"})
    (True, PosixPath('/tmp/c'))
    """
    value = environ.get(CACHE_ENV, DEFAULT_CACHE_DIR)
    return None if value.strip().lower() in ("", "off") else Path(value).expanduser()


def enable_cache(directory: Path | None) -> Path | None:
    """Turn JAX's persistent compilation cache on in ``directory`` (nothing if None); return it.

    Call it before the first compilation of the process.
    """
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        jax.config.update("jax_compilation_cache_dir", str(directory))
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return directory


class CompileClock:
    """Context manager adding up JAX's compile-time events while open (see the module docstring)."""

    def __init__(self):
        self.trace_s = self.lower_s = self.backend_s = 0.0
        self.compiles = self.cache_hits = self.cache_misses = 0

    def _duration(self, event: str, secs: float, **_) -> None:
        if event in _DURATIONS:
            setattr(self, _DURATIONS[event], getattr(self, _DURATIONS[event]) + secs)
            self.compiles += event == "/jax/core/compile/backend_compile_duration"

    def _event(self, event: str, **_) -> None:
        if event in _COUNTS:
            setattr(self, _COUNTS[event], getattr(self, _COUNTS[event]) + 1)

    def __enter__(self) -> CompileClock:
        jax.monitoring.register_event_duration_secs_listener(self._duration)
        jax.monitoring.register_event_listener(self._event)
        return self

    def __exit__(self, *exc) -> None:
        jax.monitoring.unregister_event_duration_listener(self._duration)
        jax.monitoring.unregister_event_listener(self._event)

    @property
    def total_s(self) -> float:
        """Tracing + lowering + backend: all the time compilation cost."""
        return self.trace_s + self.lower_s + self.backend_s

    def summary(self) -> dict:
        """A JSON-ready record of the clock."""
        return {"total_s": self.total_s, "trace_s": self.trace_s, "lower_s": self.lower_s,
                "backend_s": self.backend_s, "compiles": self.compiles,
                "cache_hits": self.cache_hits, "cache_misses": self.cache_misses}
