"""``python -m broadsheet``."""

from .cli import main

main()
