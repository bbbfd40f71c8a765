"""A tour of hyperparameter: ``python -m hyperparameter.examples.quickstart``.

Try it with ``--define greet.name=Alice --enthusiasm=3``, list every
hyperparameter with ``-lps``, or explain one with ``-ep greet.name``.
"""

from __future__ import annotations

import threading

import hyperparameter as hp


def show(step: str, value: object) -> None:
    print(f"  {step:<44} -> {value}")


@hp.param("greet")
def greet(name: str = "world", enthusiasm: int = 1, shout: bool = False) -> str:
    """Greet someone, and show what hyperparameter does along the way.

    Args:
        name: Who to greet.
        enthusiasm: How many exclamation marks.
        shout: Greet in capitals.
    """
    print("1. Reading with a default")
    show("hp.scope.model.dropout | 0.1", hp.scope.model.dropout | 0.1)

    print("2. A scope overrides values for one block, then rolls back")
    with hp.scope(**{"model.dropout": 0.3}):
        show("inside  with hp.scope(model.dropout=0.3)", hp.scope.model.dropout | 0.1)
    show("after the block", hp.scope.model.dropout | 0.1)

    print("3. @hp.param fills defaulted parameters from the scope")
    show("this call got name, enthusiasm", (name, enthusiasm))
    show("the scope holds greet.name", hp.scope.greet.name | "(not set)")

    print("4. A new thread starts from the values the launcher published")
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.append(hp.scope.greet.name | "(not set)"))
    worker.start()
    worker.join()
    show("greet.name in a new thread", seen[0])

    message = f"Hello, {name}{'!' * enthusiasm}"
    message = message.upper() if shout else message
    print("5. The result")
    show("greeting", message)
    return message


def main() -> None:
    hp.launch(greet)


if __name__ == "__main__":
    main()
