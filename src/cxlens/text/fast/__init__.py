"""The fast path for bulk backfills: a linear model over character n-grams.

Distilled from the default analyzer (``python -m cxlens.text.fast.train``), it implements
the same :class:`~cxlens.text.types.TextAnalyzer` Protocol under its own name and version.
Its quality beside the default's is measured by ``make eval-text``.
"""

from cxlens.text.fast.analyzer import FastAnalyzer
from cxlens.text.fast.features import featurize
from cxlens.text.fast.model import FastModel

__all__ = ["FastAnalyzer", "FastModel", "featurize"]
