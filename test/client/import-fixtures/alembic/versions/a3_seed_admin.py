"""seed the admin user

Revision ID: a3
Revises: m1
Create Date: 2024-01-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = 'a3'
down_revision = 'm1'
branch_labels = None
depends_on = 'b1'


def upgrade():
    op.execute("INSERT INTO users (id, email) VALUES (1, 'admin@example.com')")
    op.add_column('posts', sa.Column('views', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    # A data migration with no way back (as often in real projects).
    pass
