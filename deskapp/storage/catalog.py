"""The vendors, their agreements' stored versions and their products."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.agreement import Agreement
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
    return hashlib.sha256(source.encode()).hexdigest()


def current_digests(session: Session) -> dict[str, str]:
    """The digest of every vendor's current agreement text, by vendor key."""
    rows = session.execute(
        select(Vendor.key, AgreementVersion.digest)
        .join(AgreementVersion, AgreementVersion.vendor_id == Vendor.id)
        .where(AgreementVersion.is_current))
    return {key: digest for key, digest in rows}


def store_agreements(session: Session, agreements: Iterable[Agreement], now: datetime
                     ) -> list[str]:
    """Store each agreement whose text is new as its vendor's current version (adding the
    vendor and its products when new); returns the vendors updated."""
    updated = []
    serialize(session, AGREEMENTS_LOCK)  # two workstations starting at once
    for agreement in agreements:
        digest = source_digest(agreement.source)
        vendor = session.scalar(select(Vendor).where(Vendor.key == agreement.vendor))
        if vendor is None:
            vendor = Vendor(key=agreement.vendor, name=agreement.name)
            session.add(vendor)
            session.flush()
        known = session.scalar(select(AgreementVersion).where(
            AgreementVersion.vendor_id == vendor.id, AgreementVersion.digest == digest))
        if known is not None and known.is_current:
            continue
        for version in session.scalars(select(AgreementVersion).where(
                AgreementVersion.vendor_id == vendor.id, AgreementVersion.is_current)):
            version.is_current = False
        if known is None:
            session.add(AgreementVersion(
                vendor_id=vendor.id, version=agreement.version, source=agreement.source,
                digest=digest, loaded_at=now, is_current=True))
        else:
            known.is_current = True
        vendor.name = agreement.name
        existing = set(session.scalars(
            select(Product.name).where(Product.vendor_id == vendor.id)))
        for product in agreement.products:
            if product not in existing:
                session.add(Product(vendor_id=vendor.id, name=product))
        updated.append(agreement.vendor)
    return updated


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
