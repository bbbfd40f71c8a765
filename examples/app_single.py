"""One function as a program (seed 001):

python examples/app_single.py input.txt --output_file result.txt --verbose
python examples/app_single.py input.txt -D app.verbose=true
"""

import hyperparameter as hp


@hp.param("app")
def main(input_file, output_file="out.txt", verbose=False):
    """Process input file.

    Args:
        input_file: Path to input file
        output_file: Path to output file
        verbose: Enable verbose output
    """
    print(f"input_file={input_file} output_file={output_file} verbose={verbose}")


if __name__ == "__main__":
    hp.launch(main)
