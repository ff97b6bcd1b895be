"""books follow their author: the foreign key is replaced, by its convention name

Revision ID: n2
Revises: n1
Create Date: 2024-03-02 10:00:00.000000

"""
from alembic import op

revision = 'n2'
down_revision = 'n1'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_constraint('fk_books_author_id_authors', 'books', type_='foreignkey')
    op.create_foreign_key(None, 'books', 'authors', ['author_id'], ['id'], ondelete='CASCADE')


def downgrade():
    op.drop_constraint('fk_books_author_id_authors', 'books', type_='foreignkey')
    op.create_foreign_key(None, 'books', 'authors', ['author_id'], ['id'])
