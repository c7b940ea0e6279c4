"""deskapp: a desktop support desk that tracks vendor SLA targets in each vendor's business time."""

__version__ = "0.1.0"
