"""units.secrecy_stage and cases.secrecy_stage: the optional fourth sign-off stage 保密审核 (SPEC §5),
switched on per unit; a case keeps the unit's choice from the moment it was opened

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 03:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secrecy_stage', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secrecy_stage', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('secrecy_stage')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('secrecy_stage')
