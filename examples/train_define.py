"""Override hyperparameters from the command line with ``-D key=value``.

python examples/train_define.py -D train.lr=5e-4 -D train.batch_size=64
"""

import argparse

import hyperparameter as hp


@hp.param("train")
def train(lr=1e-3, batch_size=32, warmup_steps=500):
    print(f"lr={lr}, batch_size={batch_size}, warmup={warmup_steps}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("-D", "--define", nargs="*", default=[], action="extend")
    args = parser.parse_args()

    with hp.scope(*args.define):
        train()
