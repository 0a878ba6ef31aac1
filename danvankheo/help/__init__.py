"""Hướng dẫn: the role guides of docs/guide/ served inside the app, and the help link of each page."""
