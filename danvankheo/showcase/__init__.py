"""Thư viện mô hình: the public showcase of accepted models, open without login."""
