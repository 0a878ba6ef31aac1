"""In phôi: the certificates (Giấy khen, Bằng khen) of an approved proposal, printed onto the
pre-printed blanks with a layout set per award form and a printer calibration per organiser."""
