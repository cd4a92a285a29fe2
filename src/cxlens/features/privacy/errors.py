"""Privacy's errors: an erasure that would leave dangling rows (500, rolled back).

An unknown reference is a :class:`~cxlens.core.errors.NotFoundError` with the code
``unknown_customer``. Codes are listed in ``docs/errors.md``.
"""

from __future__ import annotations

from cxlens.core.errors import CxlensError


class ErasureCheckError(CxlensError):
    """An erasure would leave rows pointing at deleted ones: a table is missing from the
    map (:mod:`cxlens.features.privacy.datamap`). The caller's transaction rolls back."""

    http_status = 500
    error_code = "erasure_incomplete"
