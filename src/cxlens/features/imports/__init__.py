"""Store importers: load normalised tables (responses, cases, customers, referrals)."""

from cxlens.features.imports.schemas import ImportResult, ProgressCallback
from cxlens.features.imports.service import (
    import_cases,
    import_customers,
    import_referrals,
    import_responses,
)

__all__ = [
    "ImportResult",
    "ProgressCallback",
    "import_cases",
    "import_customers",
    "import_referrals",
    "import_responses",
]
