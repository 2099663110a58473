"""user_memberships: a person's further roles (兼任), each a role and a department of their unit,
given by an administrator; each acts as its own actor, segregation stays per person

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 03:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('user_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                            name=op.f('fk_user_memberships_department_id_departments')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_memberships_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_memberships'))
    )
    with op.batch_alter_table('user_memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_memberships_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('user_memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_memberships_user_id'))
    op.drop_table('user_memberships')
