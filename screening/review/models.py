"""SQLAlchemy 2 models of the review layer. The schema is created by the Alembic migrations in
`screening/review/migrations/` (never by `create_all`); a test checks both agree."""
from __future__ import annotations

from datetime import date, datetime, timezone
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from screening.review.enums import (Carrier, Channel, Decision, DispositionAction, OpinionKind,
                                    PublicAttribute, Role, SignStage, Stage,
                                    sign_stages)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite (naive storage) and PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class StrEnumType(sa.types.TypeDecorator):
    """A StrEnum stored as its value in a VARCHAR."""

    impl = sa.String(32)
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int = 32) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Any) -> StrEnum | None:
        return None if value is None else self.enum(value)


SEALED_PREFIX = "enc1:"
FINDINGS_PURPOSE = b"screening.review.findings/1"
AUDIT_PURPOSE = b"screening.review.audit/1"      # the sealed original of a resealed legacy audit event


def use_sealer(engine: sa.Engine, sealer: Any) -> None:
    """Seal `SealedText` columns of this engine with `sealer` (the file store's derived key)."""
    engine.dialect.screening_sealer = sealer  # type: ignore[attr-defined]


class SealedText(sa.types.TypeDecorator):
    """Text encrypted at rest (AES-256-GCM under a key derived from the file store's key): what a
    finding flagged — an ID number, a password, a marking — never lies in the database in the clear.
    The engine's sealer is set by `use_sealer` (the review service does it); rows written before
    sealing existed are still read."""

    impl = sa.Text
    cache_ok = True

    def _sealer(self, dialect: Any) -> Any:
        sealer = getattr(dialect, "screening_sealer", None)
        if sealer is None:
            raise RuntimeError("finding texts are sealed: call models.use_sealer(engine, store.sealer(...)) first")
        return sealer

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return SEALED_PREFIX + self._sealer(dialect).seal_text(value)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        if value is None or not value.startswith(SEALED_PREFIX):
            return value
        return self._sealer(dialect).open_text(value[len(SEALED_PREFIX):])


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)


class Unit(Base):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # the fourth sign-off stage 保密审核 (SPEC §5), off by default; a case keeps the value it was opened with
    secrecy_stage: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class Department(Base):
    __tablename__ = "departments"
    __table_args__ = (sa.UniqueConstraint("unit_id", "name", name="uq_departments_unit_id_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    unit: Mapped[Unit] = relationship()


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100), default="")
    role: Mapped[Role] = mapped_column(StrEnumType(Role))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(300))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # revocation: a web session carries the epoch it was made in; logout, a password change, a reset
    # and a deactivation move it on, so every session made before no longer counts (0004)
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    # an administrator of every unit (the first one, made by `screening bootstrap`); other
    # administrators manage their own unit only
    deployment_admin: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # who gave this account its current role, and when; a secrecy officer may confirm it (0004)
    provisioned_by_id: Mapped[int | None] = mapped_column()
    provisioned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    provision_confirmed_by_id: Mapped[int | None] = mapped_column()
    provision_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unit: Mapped[Unit] = relationship()
    department: Mapped[Department | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(order_by="Membership.id", back_populates="user",
                                                         cascade="all, delete-orphan")

    @property
    def label(self) -> str:
        return self.display_name or self.name


class Membership(Base):
    """A further role of a person (兼任): a role and, for a drafter or head, a department of the
    person's own unit, given by an administrator (0010). Each membership acts as its own actor;
    segregation (one person, one stage of a case) stays per person."""

    __tablename__ = "user_memberships"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    role: Mapped[Role] = mapped_column(StrEnumType(Role))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    created_by_id: Mapped[int | None] = mapped_column()     # None: the command line
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    user: Mapped[User] = relationship(back_populates="memberships")
    department: Mapped[Department | None] = relationship()


class PersonalToken(Base):
    """A personal token acts for its user (API sign-offs from an office-automation system)."""

    __tablename__ = "personal_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    label: Mapped[str] = mapped_column(sa.String(100), default="")
    prefix: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    user: Mapped[User] = relationship()


class ApiKey(Base):
    """A system's key: may screen and read, never sign."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(16))
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the unit whose cases the key may read and whose events it gets; None: deployment-wide (0004)
    unit_id: Mapped[int | None] = mapped_column(index=True)

    @property
    def scope_list(self) -> tuple[str, ...]:
        return tuple(s for s in self.scopes.split(",") if s)


class Case(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    doc_number: Mapped[str | None] = mapped_column(sa.String(200))      # 文号
    channel: Mapped[Channel] = mapped_column(StrEnumType(Channel))       # 拟公开方式
    carrier: Mapped[Carrier] = mapped_column(StrEnumType(Carrier))       # 载体形式
    stage: Mapped[Stage] = mapped_column(StrEnumType(Stage), index=True)
    stage_before_escalation: Mapped[Stage | None] = mapped_column(StrEnumType(Stage))
    round: Mapped[int] = mapped_column(default=0)              # review rounds started (submits)
    secrecy_stage: Mapped[bool] = mapped_column(default=False, server_default=sa.false())  # 保密审核 on
    approved_version: Mapped[int | None] = mapped_column()     # number of the version approved
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # 公开属性: the drafter's proposal, and what the findings suggest
    public_attribute: Mapped[PublicAttribute | None] = mapped_column(StrEnumType(PublicAttribute))
    public_basis: Mapped[str | None] = mapped_column(sa.String(32))
    public_reason: Mapped[str | None] = mapped_column(sa.Text)
    public_set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    public_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suggested_attribute: Mapped[PublicAttribute | None] = mapped_column(StrEnumType(PublicAttribute))
    suggested_basis: Mapped[str | None] = mapped_column(sa.String(32))
    suggested_reason: Mapped[str | None] = mapped_column(sa.Text)
    # deadline (条例第二十六条): formed_on + 20 working days + working days paused
    formed_on: Mapped[date] = mapped_column(sa.Date)                    # 形成日期
    planned_on: Mapped[date | None] = mapped_column(sa.Date)            # 拟公开时间
    due_date: Mapped[date | None] = mapped_column(sa.Date, index=True)
    due_note: Mapped[str | None] = mapped_column(sa.Text)
    paused_workdays: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    unit: Mapped[Unit] = relationship()
    department: Mapped[Department] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    versions: Mapped[list[Version]] = relationship(order_by="Version.number", back_populates="case")
    signoffs: Mapped[list[Signoff]] = relationship(order_by="Signoff.id", back_populates="case")
    escalations: Mapped[list[Escalation]] = relationship(order_by="Escalation.id")

    @property
    def current(self) -> Version:
        return self.versions[-1]

    @property
    def sign_stages(self) -> tuple[SignStage, ...]:
        return sign_stages(self.secrecy_stage)


class Version(Base):
    """An uploaded file. Its content lives in the encrypted blob store under `storage_key`
    (its SHA-256); a quarantined version keeps only hash, size, uploader, time and the markings seen."""

    __tablename__ = "case_versions"
    __table_args__ = (sa.UniqueConstraint("case_id", "number", name="uq_case_versions_case_id_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    number: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    filename: Mapped[str] = mapped_column(sa.String(500))
    format: Mapped[str] = mapped_column(sa.String(20))
    storage_key: Mapped[str | None] = mapped_column(sa.String(64))
    quarantined: Mapped[bool] = mapped_column(default=False)
    markings: Mapped[list[Any] | None] = mapped_column(sa.JSON)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    case: Mapped[Case] = relationship(back_populates="versions")
    uploaded_by: Mapped[User] = relationship()
    runs: Mapped[list[ScreeningRun]] = relationship(order_by="ScreeningRun.id", back_populates="version")

    @property
    def run(self) -> ScreeningRun | None:
        return self.runs[-1] if self.runs else None


class ScreeningRun(Base):
    __tablename__ = "screening_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("case_versions.id"), index=True)
    engine_version: Mapped[str] = mapped_column(sa.String(100))
    rules_version: Mapped[str] = mapped_column(sa.String(100))
    model_version: Mapped[str] = mapped_column(sa.String(100))
    verdict: Mapped[str | None] = mapped_column(sa.String(16))
    error_code: Mapped[str | None] = mapped_column(sa.String(50))
    error_message: Mapped[str | None] = mapped_column(sa.Text)
    finding_count: Mapped[int] = mapped_column(default=0)
    # the report's notes (Report.notes): what was screened and held nothing to report, template notes
    notes: Mapped[list[str] | None] = mapped_column(sa.JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[Version] = relationship(back_populates="runs")
    findings: Mapped[list[Finding]] = relationship(order_by="Finding.id", back_populates="run")


class Disposition(Base):
    """A decision on a finding, keyed by the finding's fingerprint within the case so it carries over
    to the same finding in later versions. Rows are never changed; the newest decision wins."""

    __tablename__ = "dispositions"
    __table_args__ = (sa.Index("ix_dispositions_case_fingerprint", "case_id", "fingerprint"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    version_number: Mapped[int] = mapped_column()          # the version it was made on
    action: Mapped[DispositionAction] = mapped_column(StrEnumType(DispositionAction))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    automatic: Mapped[bool] = mapped_column(default=False)  # `fixed`, set by the system on upload
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by: Mapped[User] = relationship()


class Finding(Base):
    """A finding of one screening run (all SPEC §3 fields), with its basis code and its disposition."""

    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("screening_runs.id"), index=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    version_number: Mapped[int] = mapped_column()
    rule: Mapped[str] = mapped_column(sa.String(200))
    category: Mapped[str] = mapped_column(sa.String(32))
    subtype: Mapped[str | None] = mapped_column(sa.String(64))
    severity: Mapped[str] = mapped_column(sa.String(16))
    source: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(SealedText())          # sealed at rest (issue 13)
    part: Mapped[str] = mapped_column(sa.String(16))
    page: Mapped[int | None] = mapped_column()
    paragraph: Mapped[int | None] = mapped_column()
    start_offset: Mapped[int] = mapped_column()
    end_offset: Mapped[int] = mapped_column()
    # the rest of SPEC §3's location where it applies: table cell (table, row, column, header, sheet),
    # member (an attachment's name), box (OCR), region (a web page's frame) — 0011
    place: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    message: Mapped[str] = mapped_column(sa.Text)
    suggestion: Mapped[str] = mapped_column(sa.Text)
    confidence: Mapped[float] = mapped_column(sa.Float)
    explanation: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    fingerprint: Mapped[str] = mapped_column(sa.String(64), index=True)
    basis: Mapped[str] = mapped_column(sa.String(32))
    disposition_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dispositions.id"))
    run: Mapped[ScreeningRun] = relationship(back_populates="findings")
    disposition: Mapped[Disposition | None] = relationship()


class Signoff(Base):
    __tablename__ = "signoffs"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    round: Mapped[int] = mapped_column()
    version_number: Mapped[int] = mapped_column()
    stage: Mapped[SignStage] = mapped_column(StrEnumType(SignStage))
    decision: Mapped[Decision] = mapped_column(StrEnumType(Decision))
    opinion_kind: Mapped[OpinionKind | None] = mapped_column(StrEnumType(OpinionKind))
    opinion: Mapped[str] = mapped_column(sa.Text, default="")
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    case: Mapped[Case] = relationship(back_populates="signoffs")
    by: Mapped[User] = relationship()


class Escalation(Base):
    """报请确定 (条例第十七条): the deadline clock pauses from `asked_at` until `answered_at`."""

    __tablename__ = "escalations"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    question: Mapped[str] = mapped_column(sa.Text)
    stage_before: Mapped[Stage] = mapped_column(StrEnumType(Stage))
    asked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paused_workdays: Mapped[int] = mapped_column(default=0)
    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


class AuditEvent(Base):
    """Append-only and hash-chained: `hash` = SHA-256 of the canonical JSON of the other fields,
    `prev_hash` = the previous event's `hash`. Database triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column()        # no FK: the trail outlives anything
    actor: Mapped[str] = mapped_column(sa.String(100))
    action: Mapped[str] = mapped_column(sa.String(50))
    case_id: Mapped[int | None] = mapped_column(index=True)
    payload: Mapped[str] = mapped_column(sa.Text)          # canonical JSON
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))


class AuditHead(Base):
    """One row: the chain's last seq and hash. Locked (FOR UPDATE) to append, so concurrent
    transactions chain one after the other; also lets the verifier notice removed trailing events."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(sa.String(64))


class Notification(Base):
    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    message: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Webhook(Base):
    """A system's webhook (0004): one per API key; the signing secret is sealed with the store's key."""

    __tablename__ = "webhooks"
    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[int] = mapped_column(sa.ForeignKey("api_keys.id"), unique=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    secret_sealed: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Job(Base):
    """A large upload answered 202 (0004): the file is in the encrypted store and this row is
    committed before the answer, so a restart resumes it; params and result are sealed."""

    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[str] = mapped_column(sa.String(16), index=True)
    blob_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    params_sealed: Mapped[str] = mapped_column(sa.Text)
    result_status: Mapped[int | None] = mapped_column()
    result_sealed: Mapped[str | None] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
