"""The agreements window lists every loaded agreement and shows the selected one."""

from __future__ import annotations

from deskapp.ui.agreements import AgreementsWindow


def test_window_lists_vendors_and_shows_calendars(qtbot, agreements) -> None:
    window = AgreementsWindow(agreements)
    qtbot.addWidget(window)
    names = {window.vendors.topLevelItem(i).text(0)
             for i in range(window.vendors.topLevelItemCount())}
    assert names == {"ACELYNK", "Catapult", "Magaya", "MAQSU"}
    magaya = next(window.vendors.topLevelItem(i) for i in range(4)
                  if window.vendors.topLevelItem(i).text(0) == "Magaya")
    window.vendors.setCurrentItem(magaya)
    text = window.details.toPlainText()
    assert "America/New_York" in text
    assert "Mon-Fri 07:00-20:00; Sat 08:00-12:00" in text
    assert "60 business days" in text
