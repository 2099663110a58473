"""Alembic migrations of the review database, run programmatically by `screening.review.db.upgrade`
(no alembic.ini needed). A package so it ships with the installed `screening`."""
