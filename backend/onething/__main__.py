"""`python -m onething` is the `onething` CLI."""

from onething.cli import main

main()
