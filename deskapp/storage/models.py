"""The database tables as typed SQLAlchemy models, with UTC-only timestamps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Mapper,
    ORMExecuteState,
    Session,
    mapped_column,
    relationship,
    sessionmaker,
)
from sqlalchemy.types import TypeDecorator

# Named constraints let SQLite batch migrations find and drop them later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An instant: stored in UTC, refused when naive, read back as an aware UTC datetime.

    PostgreSQL keeps it as ``timestamptz`` (read back in the session's zone, so we convert);
    SQLite keeps the UTC wall time as text, which reads the same in every local zone.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        utc = require_aware(value).astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def require_aware(value: datetime) -> datetime:
    """``value`` if it names an instant; ValueError for a naive datetime."""
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"refusing naive datetime {value.isoformat()}: give it a time zone")
    return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # PostgreSQL keeps JSON as JSONB: binary, so reading one field does not parse the text.
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(), dict[str, str]: JSON().with_variant(JSONB(), "postgresql")}


class Vendor(Base):
    __tablename__ = "vendors"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String, unique=True)
    name: Mapped[str]

    products: Mapped[list[Product]] = relationship(back_populates="vendor")
    agreement_versions: Mapped[list[AgreementVersion]] = relationship(back_populates="vendor")


class AgreementVersion(Base):
    """One version of a vendor's agreement; incidents keep the version in force when they
    were logged, until a lead applies a newer one to them."""

    __tablename__ = "agreement_versions"
    __table_args__ = (UniqueConstraint("vendor_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    number: Mapped[int] = mapped_column(Integer, server_default=text("1"))  # 1, 2, ... per vendor
    version: Mapped[str]  # the agreement's own version field
    source: Mapped[str] = mapped_column(Text)  # the agreement TOML
    digest: Mapped[str]  # sha256 of source, hex
    loaded_at: Mapped[datetime]  # when the version was made (stored)
    made_by: Mapped[str] = mapped_column(String, server_default="deskapp")
    origin: Mapped[str] = mapped_column(String, server_default="shipped")  # or "team"
    # From when it is in force; None: stored but never in force by itself (a shipped text
    # newer than the team's own version, waiting for a lead).
    effective_at: Mapped[datetime | None]
    is_current: Mapped[bool]  # in force at the last write of the agreements

    vendor: Mapped[Vendor] = relationship(back_populates="agreement_versions")


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("vendor_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    name: Mapped[str]

    vendor: Mapped[Vendor] = relationship(back_populates="products")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    role: Mapped[str] = mapped_column(default="agent", server_default="agent")


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str]


class Incident(Base):
    """An incident's current fields; its history is in ``events`` and its clocks in ``clocks``.

    ``version`` goes up with every write, which names the version it read: the desk's
    writes (``deskapp.storage.records``) are refused when it changed, and so is an ORM flush
    (``sqlalchemy.orm.exc.StaleDataError``).
    """

    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_queue", "is_open", "next_due_at", "id"),
        Index("ix_incidents_status", "status"),
        Index("ix_incidents_vendor_id", "vendor_id"),
        Index("ix_incidents_assignee_id", "assignee_id"),
        Index("ix_incidents_reported_at", "reported_at"),  # a period's, for reports
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    agreement_version_id: Mapped[int] = mapped_column(ForeignKey("agreement_versions.id"))
    title: Mapped[str]
    description: Mapped[str] = mapped_column(Text)
    reporter: Mapped[str]
    contact: Mapped[str]
    channel: Mapped[str]
    severity: Mapped[str]
    tier: Mapped[str]
    status: Mapped[str]
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    site_zone: Mapped[str | None]
    site_country: Mapped[str | None]
    vendor_ref: Mapped[str | None]
    category: Mapped[str | None]
    filing_deadline: Mapped[datetime | None]
    agreed_due: Mapped[datetime | None]
    resolution_type: Mapped[str | None]
    documentation_complete_at: Mapped[datetime | None]
    reported_at: Mapped[datetime]  # when it happened or was reported
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str]
    version: Mapped[int] = mapped_column(Integer)
    next_due_at: Mapped[datetime | None]  # earliest due of the running targets, for the queue
    is_open: Mapped[bool] = mapped_column(Boolean)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (read once, by the mapper)

    vendor: Mapped[Vendor] = relationship()
    product: Mapped[Product] = relationship()
    agreement_version: Mapped[AgreementVersion] = relationship()
    assignee: Mapped[User | None] = relationship()
    # Events are never deleted by the ORM: the database cascade removes them with the incident.
    events: Mapped[list[IncidentEvent]] = relationship(
        back_populates="incident", order_by="IncidentEvent.seq", passive_deletes="all")
    clocks: Mapped[list[TargetClock]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", passive_deletes=True)


class IncidentEvent(Base):
    """One entry of an incident's timeline; append-only (see ``EventsAreAppendOnly``)."""

    __tablename__ = "incident_events"
    # The unique constraint's index also serves lookups by (incident_id, seq).
    __table_args__ = (
        UniqueConstraint("incident_id", "seq"),
        # The few severity changes, for a report's note: not every event of the database.
        Index("ix_incident_events_severity_changed", "incident_id",
              sqlite_where=text("kind = 'severity changed'"),
              postgresql_where=text("kind = 'severity changed'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    seq: Mapped[int]
    kind: Mapped[str]
    at: Mapped[datetime]  # when it happened
    recorded_at: Mapped[datetime]  # when it was written down
    author: Mapped[str]
    data: Mapped[dict[str, str]] = mapped_column(default=dict)

    incident: Mapped[Incident] = relationship(back_populates="events")


class TargetClock(Base):
    """A cache of one SLA clock of an incident, recomputed from the events, for queries."""

    __tablename__ = "target_clocks"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    metric: Mapped[str] = mapped_column(primary_key=True)
    state: Mapped[str]
    clock_start: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    warning_at: Mapped[datetime | None]
    met_at: Mapped[datetime | None]
    paused_since: Mapped[datetime | None]
    paused_seconds: Mapped[float] = mapped_column(Float, default=0.0, server_default=text("0"))
    cycles: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # Its time to target once answered (``core.clocks.TargetClock.time_to_target``): what
    # a compliance report's medians are of, kept so a report does not place every clock
    # start and answer in its calendar again.
    taken_seconds: Mapped[float | None] = mapped_column(Float)

    incident: Mapped[Incident] = relationship(back_populates="clocks")


class EventsAreAppendOnly(RuntimeError):
    """Code tried to change or delete a recorded incident event: a bug, not a user error."""


def _refuse_change(mapper: Mapper[Any], connection: Any, target: IncidentEvent) -> None:
    raise EventsAreAppendOnly(
        f"incident event {target.id} (incident {target.incident_id}, seq {target.seq}) "
        "is part of the record and cannot be changed or deleted"
    )


event.listen(IncidentEvent, "before_update", _refuse_change)
event.listen(IncidentEvent, "before_delete", _refuse_change)


def _check_instant(target: Base, value: datetime | None, old: object, initiator: object
                   ) -> datetime | None:
    return None if value is None else require_aware(value)


# Refuse a naive time where it is assigned, not only later at flush (where SQLAlchemy
# would wrap the ValueError in a StatementError).
for _mapper in Base.registry.mappers:
    for _prop in _mapper.column_attrs:
        if any(isinstance(column.type, UTCDateTime) for column in _prop.columns):
            event.listen(getattr(_mapper.class_, _prop.key), "set", _check_instant, retval=True)


def guard_event_statements(factory: sessionmaker[Session]) -> None:
    """Refuse ORM bulk ``update(IncidentEvent)``/``delete(IncidentEvent)``, which skip the
    mapper events above, in the sessions ``factory`` makes."""

    @event.listens_for(factory, "do_orm_execute")
    def _refuse_bulk_change(state: ORMExecuteState) -> None:
        if (state.is_update or state.is_delete) and any(
                mapper.class_ is IncidentEvent for mapper in state.all_mappers):
            raise EventsAreAppendOnly(
                "incident events are part of the record and cannot be changed or deleted")
