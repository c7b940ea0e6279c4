"""A folder of agreement files, read so that one bad file leaves the other vendors usable."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from deskapp.core.agreement import Agreement
from deskapp.core.agreement_file import AgreementError, load_agreement


@dataclass(frozen=True)
class AgreementFolder:
    """The agreements a folder's files give, and the vendors whose file cannot be used."""

    agreements: dict[str, Agreement]
    # By vendor key (the file's name when the file does not say): what is wrong, in the
    # files' order.
    unusable: dict[str, AgreementError] = field(default_factory=dict)


def read_agreements(folder: Path) -> AgreementFolder:
    """Every ``*.toml`` in ``folder``: a bad file, or two files for one vendor, leaves the
    other vendors' agreements usable. A folder without agreement files is an error."""
    paths = sorted(folder.glob("*.toml"))
    if not paths:
        raise AgreementError(str(folder), "(folder)",
                             "holds no agreement files (*.toml); expected one per vendor as "
                             "deskapp ships them: reinstall deskapp or restore the files")
    agreements: dict[str, Agreement] = {}
    files: dict[str, str] = {}
    unusable: dict[str, AgreementError] = {}
    for path in paths:
        try:
            agreement = load_agreement(path)
        except AgreementError as error:
            unusable.setdefault(_vendor_of(path), error)
            continue
        vendor = agreement.vendor
        if vendor in files:
            # Neither file is the vendor's agreement until one of them goes.
            unusable.setdefault(vendor, AgreementError(
                path.name, "vendor", f"{vendor!r} is defined twice; also in {files[vendor]}"))
        files[vendor] = path.name
        agreements[vendor] = agreement
    return AgreementFolder(
        {vendor: a for vendor, a in agreements.items() if vendor not in unusable}, unusable)


def _vendor_of(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return path.stem
    return vendor_named(text, path.name)


def vendor_named(text: str, name: str) -> str:
    """The vendor an agreement file that cannot be used is for: its ``vendor`` when that
    much reads, else the file's name without ``.toml``."""
    try:
        vendor = tomllib.loads(text).get("vendor")
    except tomllib.TOMLDecodeError:
        vendor = None
    return vendor.strip() if isinstance(vendor, str) and vendor.strip() else name.removesuffix(
        ".toml")
