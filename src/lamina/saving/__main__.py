"""``python -m lamina.saving inspect FILE [--json]``: what a model file holds, without
loading it (see ``file_inspector`` and ``inspection_text``).

Exit status: 0 for a readable file, 2 when loading would refuse anything in it (a class
outside the allow-list, serialized code, weights reaching outside the file), 1 for a file
that is no model file or cannot be read (a one-line error on stderr) and for bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys

from lamina.saving.errors import SavedFileError
from lamina.saving.file_inspector import exit_code, inspect_file
from lamina.saving.inspection_text import print_report


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message):
        # argparse exits 2 on bad usage; here 2 means "refused", so usage errors exit 1.
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(prog="python -m lamina.saving", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    inspect_command = commands.add_parser(
        "inspect",
        help="describe a .keras, .weights.h5 or .safetensors file without loading it",
    )
    inspect_command.add_argument("file", help="the model or weights file (or .keras directory)")
    inspect_command.add_argument(
        "--json", action="store_true", help="print one JSON object instead of text"
    )
    return parser


def _one_line(message: object) -> str:
    return " ".join(str(message).split())


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        report = inspect_file(args.file)
    except (OSError, SavedFileError) as error:  # missing, unreadable or not a model file
        print(f"error: {_one_line(error)}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report))
    else:
        print_report(report)
    for problem in report["errors"]:
        print(f"error: {_one_line(problem)}", file=sys.stderr)
    return exit_code(report)


if __name__ == "__main__":
    sys.exit(main())
