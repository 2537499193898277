"""`python -m pipeline` is the `emn` command."""

from .cli import main

if __name__ == "__main__":
    main()
