"""Nhật ký thay đổi: the append-only audit trail of who did what, when."""
