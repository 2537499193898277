"""`python -m pipeline` is the `emn` command."""

from .cli import main

main()
