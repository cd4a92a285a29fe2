"""Demo data: Northwind Goods, a synthetic online retailer with shops and a helpline.

Pure numpy/pyarrow; produces the normalised tables of :mod:`cxlens.core.tables`.
"""

from cxlens.demo.data import DemoData, PlantedProblem
from cxlens.demo.generate import generate

__all__ = ["DemoData", "PlantedProblem", "generate"]
