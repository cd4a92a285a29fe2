"""Alembic environment: runs online against the engine passed in ``config.attributes``.

Migrations are self-contained (they never import the models), so ``target_metadata`` is not
needed to run them; tests compare the models with the migrated schema.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from cxlens.core.errors import ConfigurationError


def run_migrations_online() -> None:
    """Run the migrations in one transaction on the configured engine."""
    engine = context.config.attributes.get("engine")
    if not isinstance(engine, Engine):
        raise ConfigurationError("cxlens migrations run through cxlens.db.upgrade(engine)")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise ConfigurationError("offline (SQL script) migrations are not supported")
run_migrations_online()
