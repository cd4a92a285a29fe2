"""The ``cxlens`` command line (Typer + Rich).

Commands are thin: parse, call one service, render.
"""
