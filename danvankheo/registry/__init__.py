"""The model registry: units register, edit and submit their "Dân vận khéo" models."""
