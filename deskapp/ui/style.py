"""The application icon, the small style sheet and the colours of countdown states."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from deskapp.paths import resources_dir
from deskapp.ui.countdown import Look
from deskapp.ui.queue_model import COLOURS


@cache
def app_icon() -> QIcon:
    path = resources_dir() / "icons" / "deskapp.svg"
    icon = QIcon(str(path)) if path.is_file() else QIcon()
    if icon.isNull():  # no SVG plugin: a plain square still marks the tray
        pixmap = QPixmap(32, 32)
        pixmap.fill(QColor("#2b4c7e"))
        icon = QIcon(pixmap)
    return icon


def style_sheet() -> str:
    path = resources_dir() / "styles" / "desk.qss"
    try:
        return path.read_text("utf-8")
    except OSError:
        return ""


def look_swatch(look: Look, size: int = 12) -> QIcon:
    """A small square in a state's colours, for legends."""
    foreground, background = COLOURS[look]
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(background or "#ffffff"))
    painter = QPainter(pixmap)
    painter.setPen(QColor(foreground))
    painter.drawRect(0, 0, size - 1, size - 1)
    painter.end()
    return QIcon(pixmap)


def look_style(look: Look) -> str:
    """A label style sheet in a state's colours."""
    foreground, background = COLOURS[look]
    weight = "font-weight: 600;" if look is Look.BREACHED else ""
    back = f"background: {background};" if background else ""
    return f"color: {foreground}; {back} {weight} padding: 1px 4px; border-radius: 3px;"
