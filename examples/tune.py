"""Tune a (pretend) training run: the bounds it declares are the search space.

python examples/tune.py --sweep --search optuna --trials 40 --minimize loss -j 2 --plot
python examples/tune.py --sweep --search random --trials 20 --seed 1 -D train.act=gelu
python examples/tune.py --sweep --search random --trials 20 -D train.lr='loguniform(1e-4, 1e-2)'
"""

from __future__ import annotations

import math

import hyperparameter as hp


class Train(hp.Params, namespace="train"):
    """What a search may change: each kind with a complete space is searched by default."""

    lr = hp.Float(1e-3, bounds=(1e-5, 1e-1), doc="learning rate (searched on a log scale)")
    layers = hp.Int(2, bounds=(1, 8), doc="hidden layers")
    act = hp.Choice("relu", ["relu", "gelu", "tanh"], doc="activation")
    dropout = hp.Float(0.1, bounds=(0.0, 0.5), doc="dropout rate")


@hp.param("train")
def main(epochs: int = 3) -> dict[str, float]:
    """Pretend to train for a few epochs; return the validation loss and accuracy."""
    config = Train()
    loss = (
        (math.log10(config.lr) + 2.7) ** 2 / 4
        + abs(config.layers - 5) / 6
        + {"relu": 0.1, "gelu": 0.0, "tanh": 0.3}[config.act]
        + 4 * (config.dropout - 0.2) ** 2
        + 0.3 / epochs
    )
    return {"loss": round(loss, 4), "accuracy": round(math.exp(-loss), 4)}


if __name__ == "__main__":
    hp.launch(main)
