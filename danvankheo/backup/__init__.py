"""Backup, restore and the storage check (`flask --app app backup|restore|storage-check`).

A backup is one zip archive:

    manifest.json                 format, source database, Alembic revision, counts, SHA-256s
    database/0001_units.jsonl     one table per file, in foreign-key order: a header line
    database/0002_users.jsonl     naming the columns, then one JSON array per row
    files/<storage key>           every object in the evidence storage, byte for byte

Why a logical dump written by the app rather than pg_dump or SQLite's backup API: one
format and one code path for both databases, a dump taken on SQLite restores on PostgreSQL
and back (a pilot on a laptop can move to a server), no client binaries whose version must
match the server, and the rows are checked against the same models the app runs. The price
is speed on very large databases, where `pg_dump` remains the tool for a DBA (docs/DEPLOY.md).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .cli import register_cli

    register_cli(app)
