"""Online only: the URL comes from IMPORT_ALEMBIC_URL."""
import os
import sys

from alembic import context
from sqlalchemy import create_engine, pool

sys.path.insert(0, os.path.dirname(__file__))
from app.models import metadata  # noqa: E402

target_metadata = metadata

if context.is_offline_mode():
    raise SystemExit("this project runs online only")
engine = create_engine(os.environ["IMPORT_ALEMBIC_URL"], poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
