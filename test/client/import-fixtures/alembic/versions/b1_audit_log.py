"""audit log branch

Revision ID: b1
Revises: a1
Create Date: 2024-01-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = 'b1'
down_revision = 'a1'
branch_labels = ('audit',)
depends_on = None


def upgrade():
    op.create_table(
        'audit_log',
        sa.Column('id', sa.BigInteger(), primary_key=True),
        sa.Column('user_id', sa.BigInteger(), sa.ForeignKey('users.id')),
        sa.Column('action', sa.String(40), nullable=False),
    )
    # '%' must reach the database as written (offline rendering doubled it).
    op.execute("COMMENT ON TABLE audit_log IS 'kept 100% of the time'")
    op.execute("CREATE FUNCTION audit_log_name() RETURNS text LANGUAGE sql AS $$ SELECT format('%I', 'audit_log') $$")


def downgrade():
    op.execute("DROP FUNCTION audit_log_name()")
    op.drop_table('audit_log')
