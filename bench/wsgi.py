"""The production app plus one trivial page, for the benchmarks' baseline:
`gunicorn -c deploy/gunicorn.conf.py bench.wsgi:app`.

`/_bench/trivial` renders a template that extends the app's layout (menu, user, unread
notifications) with no data of its own, behind the same login: the fixed cost of any page.
"""

from __future__ import annotations

from flask import Flask, render_template_string
from flask_login import login_required

from danvankheo import create_app

TRIVIAL_PATH = "/_bench/trivial"
_TRIVIAL = '{% extends "base.html" %}{% block title %}Trang thử{% endblock %}{% block content %}<p>Xin chào.</p>{% endblock %}'


def add_trivial_route(app: Flask) -> Flask:
    @app.get(TRIVIAL_PATH)
    @login_required
    def bench_trivial():
        return render_template_string(_TRIVIAL)

    return app


app = add_trivial_route(create_app())
