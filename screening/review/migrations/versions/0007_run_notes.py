"""screening_runs.notes: the report's notes (what was screened and held nothing to report, a site
template's findings reported on another page), kept with the run so every view of it shows them;
rescreen_items.site and .notes: a site's template reported once per archive re-screen

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 01:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('screening_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notes', sa.JSON(), nullable=True))
    with op.batch_alter_table('rescreen_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('notes', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('rescreen_items', schema=None) as batch_op:
        batch_op.drop_column('notes')
        batch_op.drop_column('site')
    with op.batch_alter_table('screening_runs', schema=None) as batch_op:
        batch_op.drop_column('notes')
