"""Nhập dữ liệu: an admin sets up a deployment from a spreadsheet of units and users."""
