"""security (issue 13): revocable sessions, token expiry, scoped administrators and provisioning
records, keys tied to a unit, webhooks in the database, durable jobs

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-03 19:00:00

New columns of existing tables carry no foreign key, so SQLite adds them in place (no table rebuild).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None

def _user_columns() -> list[sa.Column]:
    return [
        sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False),
        sa.Column('deployment_admin', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('provisioned_by_id', sa.Integer(), nullable=True),
        sa.Column('provisioned_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('provision_confirmed_by_id', sa.Integer(), nullable=True),
        sa.Column('provision_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    for column in _user_columns():
        op.add_column('users', column)
    op.add_column('personal_tokens', sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('api_keys', sa.Column('unit_id', sa.Integer(), nullable=True))
    op.create_index(op.f('ix_api_keys_unit_id'), 'api_keys', ['unit_id'], unique=False)
    # the administrators that exist already keep what they could do: every unit
    op.execute("UPDATE users SET deployment_admin = true WHERE role = 'admin'")
    op.create_table('webhooks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('api_key_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('secret_sealed', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['api_key_id'], ['api_keys.id'], name=op.f('fk_webhooks_api_key_id_api_keys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhooks')),
    sa.UniqueConstraint('api_key_id', name=op.f('uq_webhooks_api_key_id'))
    )
    op.create_table('jobs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('owner', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('blob_sha256', sa.String(length=64), nullable=True),
    sa.Column('params_sealed', sa.Text(), nullable=False),
    sa.Column('result_status', sa.Integer(), nullable=True),
    sa.Column('result_sealed', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    op.create_index(op.f('ix_jobs_status'), 'jobs', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_jobs_status'), table_name='jobs')
    op.drop_table('jobs')
    op.drop_table('webhooks')
    op.drop_index(op.f('ix_api_keys_unit_id'), table_name='api_keys')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_column('unit_id')
    with op.batch_alter_table('personal_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        for column in reversed(_user_columns()):
            batch_op.drop_column(column.name)
