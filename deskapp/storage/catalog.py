"""The vendors, their agreements' stored versions and their products."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from deskapp.core.agreement import Agreement
from deskapp.core.agreement_versions import Origin, VersionInfo, text_digest
from deskapp.storage.database import serialize
from deskapp.storage.locks import AGREEMENTS_LOCK
from deskapp.storage.models import AgreementVersion, Product, Vendor


class CurrentAgreement(NamedTuple):
    """A vendor's current agreement version as stored."""

    vendor_id: int
    vendor_key: str
    vendor_name: str
    version_id: int
    source: str


def source_digest(source: str) -> str:
    """What tells two texts of an agreement apart."""
    return text_digest(source)


def _info(row: AgreementVersion, vendor: str) -> VersionInfo:
    return VersionInfo(
        id=row.id, vendor=vendor, number=row.number, version=row.version,
        effective_at=row.effective_at, made_by=row.made_by, made_at=row.loaded_at,
        origin=Origin(row.origin), digest=row.digest, is_current=row.is_current)


_VERSIONS = (select(AgreementVersion.id, Vendor.key, AgreementVersion.number,
                    AgreementVersion.version, AgreementVersion.effective_at,
                    AgreementVersion.made_by, AgreementVersion.loaded_at,
                    AgreementVersion.origin, AgreementVersion.digest,
                    AgreementVersion.is_current)
             .join(Vendor, Vendor.id == AgreementVersion.vendor_id)
             .order_by(Vendor.key, AgreementVersion.number))


def versions(session: Session, vendor: str | None = None) -> list[VersionInfo]:
    """Every stored version (of one vendor, or all), without their texts, by vendor and
    number."""
    query = _VERSIONS if vendor is None else _VERSIONS.where(Vendor.key == vendor)
    return [VersionInfo(id, key, number, version, effective, by, made, Origin(origin),
                        digest, current)
            for id, key, number, version, effective, by, made, origin, digest, current
            in session.execute(query)]


def lock_agreements(session: Session) -> None:
    """Make writers of agreements take turns until the transaction ends."""
    serialize(session, AGREEMENTS_LOCK)


def add_version(session: Session, agreement: Agreement, *, origin: Origin,
                effective_at: datetime | None, made_by: str, made_at: datetime
                ) -> VersionInfo:
    """Store ``agreement`` as its vendor's next version (adding the vendor when new, and
    the products it names); hold ``lock_agreements`` first."""
    vendor = session.scalar(select(Vendor).where(Vendor.key == agreement.vendor))
    if vendor is None:
        vendor = Vendor(key=agreement.vendor, name=agreement.name)
        session.add(vendor)
        session.flush()
    number = (session.scalar(select(func.max(AgreementVersion.number))
                             .where(AgreementVersion.vendor_id == vendor.id)) or 0) + 1
    row = AgreementVersion(
        vendor_id=vendor.id, number=number, version=agreement.version,
        source=agreement.source, digest=source_digest(agreement.source), loaded_at=made_at,
        made_by=made_by, origin=origin.value, effective_at=effective_at, is_current=False)
    session.add(row)
    existing = set(session.scalars(select(Product.name).where(Product.vendor_id == vendor.id)))
    for product in agreement.products:
        if product not in existing:
            session.add(Product(vendor_id=vendor.id, name=product))
    session.flush()
    return _info(row, agreement.vendor)


def set_current(session: Session, flags: dict[int, bool]) -> list[str]:
    """Store which versions are in force (``flags`` by version id, as
    ``core.agreement_versions.current_flags`` gives them); returns the vendors whose
    current version changed. The vendor's name follows its current version."""
    changed: list[str] = []
    rows = session.scalars(select(AgreementVersion).where(
        AgreementVersion.id.in_(list(flags)))).all()
    for row in rows:
        if row.is_current != flags[row.id]:
            row.is_current = flags[row.id]
            if row.vendor.key not in changed:
                changed.append(row.vendor.key)
    session.flush()
    return changed


def rename_vendor(session: Session, vendor: str, name: str) -> None:
    session.execute(update(Vendor).where(Vendor.key == vendor).values(name=name))


def version_source(session: Session, vendor: str, number: int) -> tuple[int, str] | None:
    """The id and text of a vendor's version ``number``, or None."""
    row = session.execute(
        select(AgreementVersion.id, AgreementVersion.source)
        .join(Vendor, Vendor.id == AgreementVersion.vendor_id)
        .where(Vendor.key == vendor, AgreementVersion.number == number)).first()
    return None if row is None else (row[0], row[1])


def current_sources(session: Session) -> dict[str, str]:
    """The text of every vendor's current agreement, by vendor key: all the SLA questions
    need of a database."""
    return {key: source for key, source in session.execute(
        select(Vendor.key, AgreementVersion.source)
        .join(AgreementVersion, AgreementVersion.vendor_id == Vendor.id)
        .where(AgreementVersion.is_current))}


_CURRENT = (select(Vendor.id, Vendor.key, Vendor.name, AgreementVersion.id,
                   AgreementVersion.source)
            .join(AgreementVersion, AgreementVersion.vendor_id == Vendor.id)
            .where(AgreementVersion.is_current))


def current_agreements(session: Session) -> list[CurrentAgreement]:
    """Every vendor's current agreement version."""
    return [CurrentAgreement(*row) for row in session.execute(_CURRENT)]


def current_agreement(session: Session, vendor: str) -> CurrentAgreement | None:
    row = session.execute(_CURRENT.where(Vendor.key == vendor)).first()
    return None if row is None else CurrentAgreement(*row)


def vendor_id(session: Session, vendor: str) -> int | None:
    return session.scalar(select(Vendor.id).where(Vendor.key == vendor))


def vendor_keys(session: Session) -> list[str]:
    return list(session.scalars(select(Vendor.key).order_by(Vendor.key)))


def agreement_versions(session: Session) -> list[tuple[int, str]]:
    """Every stored agreement version, current or not: (id, text)."""
    return [(row[0], row[1]) for row in session.execute(
        select(AgreementVersion.id, AgreementVersion.source).order_by(AgreementVersion.id))]


def agreement_source(session: Session, version_id: int) -> str:
    """The text of a stored agreement version."""
    return session.get_one(AgreementVersion, version_id).source


def product_names(session: Session, vendor: str) -> list[str]:
    return list(session.scalars(
        select(Product.name).join(Vendor).where(Vendor.key == vendor).order_by(Product.name)))


def product_id(session: Session, vendor_id: int, name: str) -> int | None:
    return session.scalar(select(Product.id).where(
        Product.vendor_id == vendor_id, Product.name == name))
