"""`billing` console script (finance); the settle and compare commands come with the billing issue."""

import sys


def main(argv: list[str] | None = None) -> int:
    print("billing: settle and compare are not implemented yet", file=sys.stderr)
    return 2
