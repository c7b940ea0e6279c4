"""A message strip above a view: errors a person can act on, with an optional action button."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget


class InfoBar(QFrame):
    """Hidden until there is something to say; never a modal box, never a traceback."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("infoBar")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action = QPushButton()
        self.action.hide()
        self.dismiss = QToolButton()
        self.dismiss.setText("✕")
        self.dismiss.setToolTip("Dismiss")
        self.dismiss.setAutoRaise(True)
        self.dismiss.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action)
        layout.addWidget(self.dismiss)
        self._callback: Callable[[], object] | None = None
        self.action.clicked.connect(self._act)
        self.hide()

    def show_message(self, text: str, level: str = "info",
                     action: tuple[str, Callable[[], object]] | None = None) -> None:
        self.setProperty("level", level)
        self.style().unpolish(self)
        self.style().polish(self)
        self.label.setText(text)
        if action is None:
            self._callback = None
            self.action.hide()
        else:
            self.action.setText(action[0])
            self._callback = action[1]
            self.action.show()
        self.show()

    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()

    def _act(self) -> None:
        callback = self._callback
        self.hide()
        if callback is not None:
            callback()
