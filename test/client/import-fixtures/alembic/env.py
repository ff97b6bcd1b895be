"""Online only: the URL comes from IMPORT_ALEMBIC_URL."""
import os

from alembic import context
from sqlalchemy import create_engine, pool

if context.is_offline_mode():
    raise SystemExit("this project runs online only")
engine = create_engine(os.environ["IMPORT_ALEMBIC_URL"], poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
