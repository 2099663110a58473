"""blobs (the encrypted file store's database backend, SCREENING_STORAGE=database) and archive
re-screening runs (screening/review/rescreen.py)

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-03 19:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Register `blobs` and the rescreen tables on `models.Base.metadata` wherever migrations run (see 0002).
import screening.review.rescreen  # noqa: F401,E402
import screening.review.storage  # noqa: F401,E402

revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_blobs'))
    )
    op.create_table('rescreen_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rules_version', sa.String(length=100), nullable=False),
    sa.Column('model_version', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_rescreen_runs_started_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_rescreen_runs_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rescreen_runs'))
    )
    with op.batch_alter_table('rescreen_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rescreen_runs_unit_id'), ['unit_id'], unique=False)
    op.create_table('rescreen_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('new_count', sa.Integer(), nullable=False),
    sa.Column('new_findings', sa.JSON(), nullable=False),
    sa.Column('error_code', sa.String(length=50), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'], name=op.f('fk_rescreen_items_acknowledged_by_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_rescreen_items_case_id_cases')),
    sa.ForeignKeyConstraint(['run_id'], ['rescreen_runs.id'], name=op.f('fk_rescreen_items_run_id_rescreen_runs')),
    sa.ForeignKeyConstraint(['version_id'], ['case_versions.id'], name=op.f('fk_rescreen_items_version_id_case_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rescreen_items')),
    sa.UniqueConstraint('run_id', 'version_id', name='uq_rescreen_items_run_version')
    )
    with op.batch_alter_table('rescreen_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rescreen_items_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rescreen_items_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rescreen_items_status'), ['status'], unique=False)


def downgrade() -> None:
    op.drop_table('rescreen_items')
    op.drop_table('rescreen_runs')
    op.drop_table('blobs')
