"""blobs: the encrypted file store's database backend (SCREENING_STORAGE=database)

Revision ID: 0006
Revises: 0002
Create Date: 2026-12-03 19:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Registers `blobs` on `models.Base.metadata` wherever migrations run (see 0002).
import screening.review.storage  # noqa: F401,E402

revision = '0006'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_blobs'))
    )


def downgrade() -> None:
    op.drop_table('blobs')
