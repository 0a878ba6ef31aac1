"""Pieces every feature uses: column types, Vietnamese text, time, audit, permissions."""
