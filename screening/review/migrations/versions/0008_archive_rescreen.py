"""rescreen_items.path and rescreen_runs.folder: an already-published archive outside the database
(a folder of files) re-screened as a run of its own; such items have no case and no version

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 01:45:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('rescreen_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('folder', sa.String(length=1000), nullable=True))
    with op.batch_alter_table('rescreen_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('path', sa.String(length=1000), nullable=True))
        batch_op.alter_column('case_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('version_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('rescreen_items', schema=None) as batch_op:
        batch_op.execute("DELETE FROM rescreen_items WHERE case_id IS NULL")
        batch_op.alter_column('version_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('case_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('path')
    with op.batch_alter_table('rescreen_runs', schema=None) as batch_op:
        batch_op.drop_column('folder')
