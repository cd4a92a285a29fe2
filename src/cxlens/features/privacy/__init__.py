"""Privacy: export or erase everything cxlens holds about one customer (docs/privacy.md).

The map of what holds a customer is data (:mod:`.datamap`); :func:`export_customer` and
:func:`erase_customer` walk it in the caller's transaction and write an audit entry;
:func:`reclaim_space` runs after the commit so that the erased bytes leave the files.
Edges (the CLI's ``cxlens customers``, the admin page) call one of these each.
"""

from cxlens.features.privacy.datamap import CUSTOMER_LINKS, VALUE_REFERENCES, Link, LinkAction
from cxlens.features.privacy.errors import ErasureCheckError
from cxlens.features.privacy.schemas import EXPORT_FORMAT, ErasurePlan, ErasureReport
from cxlens.features.privacy.service import (
    erase_customer,
    erasure_plan,
    export_customer,
    marker,
    reclaim_space,
)

__all__ = [
    "CUSTOMER_LINKS",
    "EXPORT_FORMAT",
    "VALUE_REFERENCES",
    "ErasureCheckError",
    "ErasurePlan",
    "ErasureReport",
    "Link",
    "LinkAction",
    "erase_customer",
    "erasure_plan",
    "export_customer",
    "marker",
    "reclaim_space",
]
