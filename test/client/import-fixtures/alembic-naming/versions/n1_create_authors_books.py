"""create authors and books, constraints unnamed

Revision ID: n1
Revises:
Create Date: 2024-03-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = 'n1'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'authors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('email'),
    )
    op.create_table(
        'books',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('pages', sa.Integer(), nullable=False),
        sa.CheckConstraint('pages > 0', name='positive_pages'),
        sa.ForeignKeyConstraint(['author_id'], ['authors.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_books_author_id'), 'books', ['author_id'])


def downgrade():
    op.drop_index(op.f('ix_books_author_id'), table_name='books')
    op.drop_table('books')
    op.drop_table('authors')
