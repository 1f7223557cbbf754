import pytest
from django.db import models

from seatwise.core.errors import ApplicationError, InvalidTransitionError, NotFoundError
from seatwise.core.states import TransitionTable


class Light(models.TextChoices):
    RED = "red"
    GREEN = "green"
    YELLOW = "yellow"
    OFF = "off"


TABLE = TransitionTable(
    {
        Light.RED: {Light.GREEN, Light.OFF},
        Light.GREEN: {Light.YELLOW},
        Light.YELLOW: {Light.RED},
    }
)


def test_transition_table_allows_listed_moves_only():
    TABLE.check(Light.RED, Light.GREEN)
    assert TABLE.can(Light.GREEN, Light.YELLOW)
    assert not TABLE.can(Light.GREEN, Light.RED)
    with pytest.raises(InvalidTransitionError) as exc:
        TABLE.check(Light.GREEN, Light.RED)
    assert exc.value.code == "invalid_transition"
    assert exc.value.details == {"from": "green", "to": "red"}


def test_a_state_without_moves_is_final():
    assert TABLE.is_final(Light.OFF)
    assert not TABLE.is_final(Light.RED)
    assert TABLE.allowed(Light.OFF) == frozenset()


def test_application_error_has_a_stable_code_and_one_shape():
    error = NotFoundError("Offer not found.", details={"id": 3})
    assert error.status == 404
    assert error.as_dict() == {
        "error": {"code": "not_found", "message": "Offer not found.", "details": {"id": 3}}
    }
    custom = ApplicationError("Nope", code="custom_code")
    assert custom.as_dict()["error"]["code"] == "custom_code"
    assert ApplicationError.code == "application_error"


def test_slug_from_transliterates_cyrillic():
    from seatwise.core.text import slug_from

    assert slug_from("ТОВ «Київська школа» №1") == "tov-kyivska-shkola-no1"
    assert slug_from("Northwind Cloud") == "northwind-cloud"
    assert slug_from("Об'єднання") == "obiednannia"
