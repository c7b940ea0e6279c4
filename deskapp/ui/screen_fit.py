"""Windows and dialogs sized to the screen they open on: a laptop's 1024x640 too."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

FRAME = QSize(16, 48)  # what a window manager's frame and a panel may take


def available(widget: QWidget | None = None) -> QRect:
    """The screen area a window may use, on the screen of ``widget`` (or the primary)."""
    screen = widget.screen() if widget is not None else None
    if screen is None:
        screen = QGuiApplication.primaryScreen()
    if screen is None:
        return QRect(0, 0, 1024, 640)
    return screen.availableGeometry()


def fitting_width(widget: QWidget | None = None) -> int:
    return max(available(widget).width() - FRAME.width(), 320)


def fitting_height(widget: QWidget | None = None) -> int:
    return max(available(widget).height() - FRAME.height(), 240)


def fit_on_screen(widget: QWidget, wanted: QSize | None = None) -> None:
    """Resize to ``wanted`` (default: the size it asks for), no larger than the screen."""
    size = wanted if wanted is not None else widget.sizeHint().expandedTo(widget.size())
    widget.resize(min(size.width(), fitting_width(widget)),
                  min(size.height(), fitting_height(widget)))
