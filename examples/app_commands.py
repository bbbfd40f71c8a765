"""Several functions as subcommands (seed 001):

python examples/app_commands.py train --epochs 20 -D train.lr=0.01
python examples/app_commands.py eval --checkpoint best.pt
python examples/app_commands.py evaluate --checkpoint best.pt
"""

import hyperparameter as hp


@hp.param("train")
def train(epochs=10, lr=0.001):
    """Train the model."""
    print(f"train: epochs={epochs} lr={lr} warmup={hp.scope.train.warmup | 100}")


@hp.param("eval")
def evaluate(checkpoint="model.pt"):
    """Evaluate the model."""
    print(f"evaluate: checkpoint={checkpoint}")


if __name__ == "__main__":
    hp.launch()  # Discovers all @hp.param functions
