"""Reading a folder of agreement files: a bad file leaves out its vendor only."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskapp.core.agreement_file import AgreementError
from deskapp.core.agreement_folder import read_agreements
from tests.core.test_agreement_file import VALID, variant

OTHER = variant(('vendor = "acme"', 'vendor = "other"'))


def test_a_bad_file_leaves_out_its_vendor_only(tmp_path: Path) -> None:
    (tmp_path / "acme.toml").write_text(variant(('name = "Acme"', 'name = 3')), encoding="utf-8")
    (tmp_path / "other.toml").write_text(OTHER, encoding="utf-8")
    (tmp_path / "zed.toml").write_text("vendor = [", encoding="utf-8")  # not TOML at all
    folder = read_agreements(tmp_path)
    assert set(folder.agreements) == {"other"}
    assert list(folder.unusable) == ["acme", "zed"]  # the vendor the file names, else its name
    assert folder.unusable["acme"].source == "acme.toml"
    assert folder.unusable["acme"].key == "name"
    assert "not valid TOML" in folder.unusable["zed"].message


def test_two_files_for_one_vendor_leave_out_that_vendor(tmp_path: Path) -> None:
    (tmp_path / "acme.toml").write_text(VALID, encoding="utf-8")
    (tmp_path / "acme-copy.toml").write_text(VALID, encoding="utf-8")
    (tmp_path / "other.toml").write_text(OTHER, encoding="utf-8")
    folder = read_agreements(tmp_path)
    assert set(folder.agreements) == {"other"}
    assert "'acme' is defined twice; also in acme-copy.toml" in str(folder.unusable["acme"])


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    (tmp_path / "acme.toml").write_bytes(b"vendor = \"\xff\"")
    (tmp_path / "other.toml").write_text(OTHER, encoding="utf-8")
    folder = read_agreements(tmp_path)
    assert set(folder.agreements) == {"other"}
    assert "is not UTF-8 text" in folder.unusable["acme"].message


@pytest.mark.parametrize("files", [[], ["readme.txt"]])
def test_a_folder_without_agreement_files_is_an_error(tmp_path: Path, files: list[str]) -> None:
    for name in files:
        (tmp_path / name).write_text("not an agreement", encoding="utf-8")
    with pytest.raises(AgreementError, match=r"holds no agreement files \(\*\.toml\)"):
        read_agreements(tmp_path)
    with pytest.raises(AgreementError, match="holds no agreement files"):
        read_agreements(tmp_path / "missing")
