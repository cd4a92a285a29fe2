"""cxlens: customer-experience analytics with honest statistics."""

__version__ = "0.1.0"
