"""Minimal valid rows for storage tests: a vendor, its agreement, a product and incidents."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from deskapp.storage.models import AgreementVersion, Incident, IncidentEvent, Product, Vendor

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def add_incident(session: Session, number: int = 1, *, at: datetime = T0) -> Incident:
    """An open incident (with its vendor, agreement and product when missing), flushed."""
    vendor = session.query(Vendor).filter_by(key="acme").one_or_none()
    if vendor is None:
        source = 'name = "Acme"\n'
        vendor = Vendor(key="acme", name="Acme")
        agreement = AgreementVersion(
            vendor=vendor, version="1", source=source,
            digest=hashlib.sha256(source.encode()).hexdigest(), loaded_at=at, is_current=True)
        session.add_all([vendor, agreement, Product(vendor=vendor, name="Anvil")])
        session.flush()
    agreement = session.query(AgreementVersion).filter_by(vendor=vendor).one()
    product = session.query(Product).filter_by(vendor=vendor).one()
    incident = Incident(
        number=number, vendor=vendor, product=product, agreement_version=agreement,
        title="Anvil falls", description="It fell.", reporter="Wile", contact="wile@example.com",
        channel="phone", severity="1", tier="1", status="new", reported_at=at, created_at=at,
        updated_at=at, updated_by="tester", is_open=True)
    session.add(incident)
    session.flush()
    return incident


def add_event(session: Session, incident: Incident, seq: int, *,
              at: datetime = T0) -> IncidentEvent:
    event = IncidentEvent(incident=incident, seq=seq, kind="comment", at=at, recorded_at=at,
                          author="tester", data={"text": f"note {seq}"})
    session.add(event)
    session.flush()
    return event
