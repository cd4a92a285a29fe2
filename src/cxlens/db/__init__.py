"""Database plumbing: engine, unit of work, the server's writer and Alembic migrations."""

from cxlens.db.engine import engine_for_url, make_engine
from cxlens.db.migrate import current_revision, downgrade, head_revision, upgrade
from cxlens.db.unit_of_work import read_only, unit_of_work
from cxlens.db.writes import Writer, gate_for, writer_for

__all__ = [
    "Writer",
    "current_revision",
    "downgrade",
    "engine_for_url",
    "gate_for",
    "head_revision",
    "make_engine",
    "read_only",
    "unit_of_work",
    "upgrade",
    "writer_for",
]
