"""Lets `python -m briefgen` behave exactly like the `briefgen` command."""

from briefgen.cli import main

main()
