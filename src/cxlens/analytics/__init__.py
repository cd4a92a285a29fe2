"""Pure metrics engine: bucket counts in, values with intervals and tests out.

Nothing here imports SQLAlchemy, FastAPI or Typer. Counting happens where the data lives
(SQL on the store, DuckDB on files and frames); the formulas live here, once.
"""
