import pytest

from tests.register.builders import build_register


@pytest.fixture
def world(app):
    return build_register()
