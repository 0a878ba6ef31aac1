"""Ý kiến Nhân dân: the people a model serves rate it on a public page reached by a QR code.

The counts the public page and the council read are kept in `SurveyTally` rows as answers
arrive; no request aggregates over the responses (see docs/ARCHITECTURE.md).
"""
