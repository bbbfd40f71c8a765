"""A tour of hyperparameter in one runnable file: ``python examples/quickstart.py``.

Each step prints what it shows; pass ``-D key=value`` to override any value,
for example ``python examples/quickstart.py -D greet.name=Alice -D greet.enthusiasm=3``.
"""

import argparse
import threading

import hyperparameter as hp


@hp.param("greet")
def greet(name="world", enthusiasm=1):
    """Build a greeting; both parameters can come from the scope."""
    return f"Hello, {name}{'!' * enthusiasm}"


def main(defines):
    print("1. Read with a default:           hp.scope.model.dropout | 0.1 ->", hp.scope.model.dropout | 0.1)
    with hp.scope(**{"model.dropout": 0.3}):
        print("2. Inside a scope it changes:     ->", hp.scope.model.dropout | 0.1)
    print("3. ...and rolls back after it:    ->", hp.scope.model.dropout | 0.1)

    print("4. @hp.param uses its defaults:   ->", greet())
    with hp.scope(**{"greet.name": "scope"}):
        print("5. ...or the scope's values:      ->", greet())
    print("6. Explicit arguments win:        ->", greet("caller"))

    with hp.scope(*defines):
        print("7. -D values from the command line ->", greet())
        hp.scope.frozen()  # new threads start from these values
        seen = []
        worker = threading.Thread(target=lambda: seen.append(greet()))
        worker.start()
        worker.join()
        print("8. A new thread sees frozen values ->", seen[0])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-D", "--define", action="append", default=[], metavar="KEY=VALUE",
                        help="set a hyperparameter, e.g. -D greet.name=Alice")
    main(parser.parse_args().define)
