"""custom lexicon: terms a secrecy officer adds to the screening rules (screening/review/lexicon.py)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 07:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The model lives in its own module (screening/review/models.py is the review layer's); importing it
# here registers `lexicon_terms` on `models.Base.metadata` wherever migrations run, so the schema
# comparison in tests/review/test_review_migrations.py sees the model beside the table it made.
import screening.review.lexicon  # noqa: F401,E402

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lexicon_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=100), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('suggestion', sa.Text(), nullable=False),
    sa.Column('hits', sa.JSON(), nullable=False),
    sa.Column('misses', sa.JSON(), nullable=False),
    sa.Column('allow', sa.JSON(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retired_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_lexicon_terms_created_by_id_users')),
    sa.ForeignKeyConstraint(['retired_by_id'], ['users.id'], name=op.f('fk_lexicon_terms_retired_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_lexicon_terms_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lexicon_terms'))
    )
    with op.batch_alter_table('lexicon_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lexicon_terms_unit_id'), ['unit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lexicon_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lexicon_terms_unit_id'))
    op.drop_table('lexicon_terms')
