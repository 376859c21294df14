"""Command-line help from docstrings: the reStructuredText inline markup taken out, the words kept.

The docstrings stay reStructuredText for readers of the source; ``--help`` shows
them through :func:`plain`, with ``RawDescriptionHelpFormatter`` keeping their lines.
"""
import re

LITERAL = re.compile(r"``([^`]+)``")
ROLE = re.compile(r":[a-z]+:`~?([^`]+)`")


def plain(text: str) -> str:
    """``text`` without double backquotes and roles (such as ``:mod:``), their contents kept.

    >>> plain("``python -m experiments.bench`` (:mod:`experiments.bench.timing`)")
    'python -m experiments.bench (experiments.bench.timing)'
    """
    return LITERAL.sub(r"\1", ROLE.sub(r"\1", text))
