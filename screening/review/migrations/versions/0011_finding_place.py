"""findings.place: the rest of a finding's location (SPEC §3) where it applies — the table cell
(table, row, column, header, sheet), the attachment it came from (member), an OCR box, a web page's
region — so that the case JSON, the review sheet and the API name "表2 第5行 身份证号" as the report did

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 03:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('place', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_column('place')
