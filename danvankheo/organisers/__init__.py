"""Organisers: each level (the province, every commune) runs its own competition."""
