"""Core: errors, settings, clock and small shared types. Imports nothing else of cxlens."""
