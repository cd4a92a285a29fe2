"""Database plumbing: engine, unit of work and Alembic migrations."""

from cxlens.db.engine import engine_for_url, make_engine
from cxlens.db.migrate import current_revision, downgrade, head_revision, upgrade
from cxlens.db.unit_of_work import unit_of_work

__all__ = [
    "current_revision",
    "downgrade",
    "engine_for_url",
    "head_revision",
    "make_engine",
    "unit_of_work",
    "upgrade",
]
