"""Whether work may go to a forked process: a fork starts with everything already imported
and parsed, but a process that runs Qt (the window's) must never be forked."""

from __future__ import annotations

import multiprocessing
import sys


def may_fork() -> bool:
    return ("fork" in multiprocessing.get_all_start_methods()
            and "PySide6.QtCore" not in sys.modules)
