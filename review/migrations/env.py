"""Alembic environment: the engine comes from canhgac (review.database), never from an ini file."""

from __future__ import annotations

from alembic import context

from review.models import Base, made_on

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=lambda obj, *_: made_on(obj, connection.dialect.name),
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
