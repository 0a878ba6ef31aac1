"""The print tests' LibreOffice (tests/render.py): `soffice --convert-to pdf` handed to the one
kept running prints the same paper as LibreOffice started on a profile of its own."""

from __future__ import annotations

from danvankheo.exports.xlsx import Column, Sheet, workbook_bytes
from tests import render


def _long_list() -> bytes:
    rows = [[f"Mô hình “Dân vận khéo” số {n} của đơn vị thứ {n % 37}", "Văn hóa - xã hội", n] for n in range(400)]
    columns = [Column("Tên mô hình", "long_text"), Column("Lĩnh vực"), Column("Số", "integer")]
    return workbook_bytes([Sheet("Danh sách", columns, rows, title="Danh sách mô hình")])


def _words(pdf: bytes) -> list[list[tuple]]:
    return [[(w.text, round(w.x0, 1), round(w.y0, 1), round(w.x1, 1), round(w.y1, 1)) for w in page.words]
            for page in render.pages(pdf)]


def test_the_kept_office_prints_what_a_fresh_one_prints(monkeypatch, tmp_path):
    data = _long_list()
    kept = render.to_pdf(data, ".xlsx")
    assert render.KEPT_OFFICE.process is not None and render.KEPT_OFFICE.process.poll() is None
    alone = render.KeptOffice()
    alone.broken = True  # no kept one: the command starts LibreOffice on a profile of its own
    monkeypatch.setattr(render, "KEPT_OFFICE", alone)
    fresh = render.to_pdf(data, ".xlsx")
    assert len(render.pages(kept)) > 5
    assert _words(kept) == _words(fresh)


def test_an_ended_office_is_started_again_and_stops_without_a_trace(monkeypatch):
    office = render.KeptOffice()
    monkeypatch.setattr(render, "KEPT_OFFICE", office)
    render.to_pdf(_long_list(), ".xlsx")
    first, folder, socket = office.process, office.folder, office.socket
    assert socket.exists() and folder.exists()
    office.stop()
    assert first.poll() is not None and not folder.exists() and not socket.exists()
    pdf = render.to_pdf(_long_list(), ".xlsx")
    assert office.process is not first and office.process.poll() is None
    assert render.pages(pdf)
    office.stop()

