"""The PostgreSQL advisory locks that make workstations take turns, and what each guards.

On SQLite, BEGIN IMMEDIATE already makes writers take turns.
"""

from __future__ import annotations

NUMBERING_LOCK = 0x6465736C  # logging an incident takes the next number
AGREEMENTS_LOCK = 0x6465736D  # storing the shipped agreements
MIGRATION_LOCK = 0x6465736B  # upgrading the schema

# What another workstation holding each lock is doing, for the message of a wait.
ADVISORY_LOCK_SUBJECTS = {
    NUMBERING_LOCK: "logging an incident",
    AGREEMENTS_LOCK: "storing the agreements",
    MIGRATION_LOCK: "upgrading the database",
}
