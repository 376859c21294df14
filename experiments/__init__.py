"""The articles' experiments, each runnable as ``python -m experiments NAME``.

``EXPERIMENTS`` maps a name to the module that holds its ``run(out_dir, quick)``;
``python -m experiments all`` runs all but those in ``NOT_IN_ALL`` (too slow on a CPU).
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
NOT_IN_ALL = ("cnn",)
