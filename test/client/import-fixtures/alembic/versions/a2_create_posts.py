"""create posts

Revision ID: a2
Revises: a1
Create Date: 2024-01-02 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# Newer Alembic templates annotate the identifiers.
revision: str = 'a2'
down_revision: Union[str, None] = 'a1'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'posts',
        sa.Column('id', sa.BigInteger(), primary_key=True),
        sa.Column('user_id', sa.BigInteger(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('title', sa.Text(), nullable=False, server_default=''),
    )
    op.create_index('posts_user_idx', 'posts', ['user_id'])


def downgrade() -> None:
    op.drop_index('posts_user_idx', table_name='posts')
    op.drop_table('posts')
