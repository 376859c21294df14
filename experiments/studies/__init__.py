"""Studies behind the experiments' choices: neither article experiments nor benchmarks.

Each runs on its own, as ``python -m experiments.studies.NAME``:
:mod:`experiments.studies.cnn_selection` chose the recipe the ``cnn`` experiment trains by.
"""
