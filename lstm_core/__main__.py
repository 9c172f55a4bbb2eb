"""``python -m lstm_core walkthrough --example vector|scalar``: the worked examples' printouts, from lstm_core."""

import argparse
import sys

from .examples import scalar_example, vector_example
from .sequence import forward
from .examples import scalar_table, vector_details


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m lstm_core", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    walk = commands.add_parser("walkthrough", help="print a worked example step by step")
    walk.add_argument("--example", choices=("vector", "scalar"), default="vector")
    args = parser.parse_args(argv)

    if args.example == "vector":
        print(vector_details(forward(*vector_example())))
    else:
        print(scalar_table(forward(*scalar_example())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
