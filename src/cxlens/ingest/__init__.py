"""Reading real exports: raw tables, survey formats, column mapping, normalised responses.

``read_raw`` turns any supported file into a :class:`RawTable` of strings; the format
detection (:mod:`cxlens.ingest.formats`) and the mapping (:mod:`cxlens.ingest.mapping`)
build on it.
"""

from cxlens.ingest.raw import RawTable, read_raw

__all__ = ["RawTable", "read_raw"]
