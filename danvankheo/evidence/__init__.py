"""Minh chứng: evidence files attached to a model, checked by content and kept in a storage."""
