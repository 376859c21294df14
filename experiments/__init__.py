"""The articles' experiments, each runnable as ``python -m experiments NAME``.

``EXPERIMENTS`` maps a name to the module that holds its ``run(out_dir, quick)``;
``python -m experiments all`` runs all of them except those in ``NOT_IN_ALL``.
The benchmarks are apart, in :mod:`experiments.bench` (``python -m experiments.bench``),
and so is the study that chose the CNN's recipe, :mod:`experiments.studies.cnn_selection`.
"""

EXPERIMENTS = {
    "neuron": "experiments.neuron",
    "costs": "experiments.costs",
    "perceptron": "experiments.perceptron",
    "hebbian": "experiments.hebbian",
    "multiplication": "experiments.multiplication",
    "gender": "experiments.gender",
    "boolean": "experiments.boolean",
    "gates": "experiments.gates",
    "mnist": "experiments.mnist",
    "cnn": "experiments.cnn",
}

# Run only when named: ``all`` skips these (minutes, not seconds, on a CPU).
NOT_IN_ALL = frozenset({"cnn"})

# Read the MNIST-format files (experiments/mnist_like.py): the command checks $NNFUNC_DATA before running them.
NEEDS_DATA = frozenset({"mnist", "cnn"})
