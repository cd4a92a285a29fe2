"""UI message catalogs (Babel)."""
