"""``python -m cxlens`` runs the command line."""

from cxlens.cli.main import main

main()
