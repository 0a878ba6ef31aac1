"""Giám sát: the opinions of the Mặt trận Tổ quốc and the mass organisations on accepted models."""
