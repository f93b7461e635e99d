"""``python -m lstm_symbolic`` runs the command-line interface."""

from .cli import main

main()
