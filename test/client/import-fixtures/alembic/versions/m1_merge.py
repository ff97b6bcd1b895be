"""merge posts and audit

Revision ID: m1
Revises: a2, b1
Create Date: 2024-01-04 10:00:00.000000

"""
revision = 'm1'
down_revision = (
    'a2',
    'b1',
)
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
