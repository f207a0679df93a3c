"""`python -m spoon …`: the `spoon` command (where the console script is not on PATH)."""

from spoon.cli import main

main()
