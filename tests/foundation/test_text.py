from danvankheo.core.text import fold, search_terms, sort_key
from danvankheo.core.timeutil import format_document_date


def test_fold_ignores_diacritics_case_and_d_stroke():
    assert fold("Dân vận khéo") == fold("dan van kheo") == fold("DAN VAN KHEO") == "dan van kheo"
    assert fold("Đồng Tháp") == "dong thap"
    assert fold("  nhiều   khoảng  trắng ") == "nhieu khoang trang"


def test_search_terms_split_words():
    assert search_terms("  Dân  VẬN ") == ["dan", "van"]
    assert search_terms(None) == []


def test_d_stroke_sorts_after_d():
    names = ["Đông", "Dương", "Duy", "Ea"]
    assert sorted(names, key=sort_key) == ["Duy", "Dương", "Đông", "Ea"]


def test_vowel_letters_follow_the_vietnamese_alphabet():
    assert sorted(["ô", "o", "ơ"], key=sort_key) == ["o", "ô", "ơ"]
    assert sorted(["ư", "u", "v"], key=sort_key) == ["u", "ư", "v"]
    assert sorted(["â", "ă", "a", "b"], key=sort_key) == ["a", "ă", "â", "b"]


def test_tone_marks_do_not_scatter_names():
    names = ["Sở Y tế", "Sở Ẩm thực", "Sở An ninh", "Sở Ăn uống", "Sở Du lịch", "Sở Đường bộ", "Sở Án lệ"]
    ordered = sorted(names, key=sort_key)
    # Tones do not lift "Án lệ" out of the "An..." names: letters decide first.
    assert ordered == ["Sở Án lệ", "Sở An ninh", "Sở Ăn uống", "Sở Ẩm thực", "Sở Du lịch", "Sở Đường bộ", "Sở Y tế"]


def test_tones_break_ties_in_dictionary_order():
    assert sorted(["Ạn", "Án", "Ãn", "An", "Ản", "Àn"], key=sort_key) == ["An", "Àn", "Ản", "Ãn", "Án", "Ạn"]


def test_shorter_word_first_and_digits_before_letters():
    assert sorted(["Anh", "An", "An Bình", "2026"], key=sort_key) == ["2026", "An", "An Bình", "Anh"]


def test_document_date_line_follows_decree_30(app):
    from datetime import date

    assert format_document_date("Ninh Bình", date(2026, 10, 15)) == "Ninh Bình, ngày 15 tháng 10 năm 2026"
    assert format_document_date("Ninh Bình", date(2026, 2, 5)) == "Ninh Bình, ngày 05 tháng 02 năm 2026"
    assert format_document_date("Ninh Bình", date(2026, 3, 5)) == "Ninh Bình, ngày 05 tháng 3 năm 2026"
