"""The password policy, in one place for every form that sets a password."""

from __future__ import annotations

from ..core.text import fold

MIN_LENGTH = 10
COMMON = {"matkhau123", "password123", "1234567890", "qwertyuiop", "abc1234567", "admin12345"}


def password_problems(password: str, login: str | None = None, full_name: str | None = None) -> list[str]:
    """Every reason the password is refused, in Vietnamese; empty when it is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự.")
    if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
        problems.append("Mật khẩu phải có cả chữ và số.")
    lowered = fold(password).replace(" ", "")
    if lowered in COMMON:
        problems.append("Mật khẩu quá phổ biến, dễ bị đoán.")
    if login and len(login) >= 3 and fold(login.split("@")[0]) in lowered:
        problems.append("Mật khẩu không được chứa tên đăng nhập.")
    if full_name:
        for word in fold(full_name).split():
            if len(word) >= 4 and word in lowered:
                problems.append("Mật khẩu không được chứa họ tên.")
                break
    return problems


def generate_password() -> str:
    """A random password that satisfies the policy, shown once to an admin."""
    import secrets
    import string

    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(14))
        if password_problems(candidate) == []:
            return candidate
