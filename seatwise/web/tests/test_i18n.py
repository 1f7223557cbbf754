import pytest
from django.utils import translation

from seatwise.web.tests.helpers import prices, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_after_each_test():
    yield
    translation.activate("en")


def test_language_switch_to_ukrainian_translates_the_shop(client, shop):
    response = client.post("/i18n/setlang/", {"language": "uk", "next": "/products/"})

    assert response.status_code == 302
    assert response["Location"] == "/products/"
    body = text(client.get("/products/"))
    assert '<html lang="uk">' in body
    assert "Усі товари" in body
    assert "Сортувати за" in body
    assert "Показувати на сторінці" in body
    assert "Рекомендована роздрібна ціна" in body
    assert "Українська" in body


def test_ukrainian_product_page_writes_prices_and_terms_in_ukrainian(client, shop):
    client.post("/i18n/setlang/", {"language": "uk"})

    response = client.get("/p/aad-premium/")

    body = text(response)
    assert "Пропозиції" in body
    assert "<dd>1 рік</dd>" in body
    assert prices(response)[1:] == ["6,00\xa0$ / ліцензія / місяць", "72,00\xa0$ / ліцензія / рік"]


def test_ukrainian_error_message_for_bad_input(client, shop):
    client.post("/i18n/setlang/", {"language": "uk"})

    response = client.get("/products/?page=abc")

    assert response.status_code == 400
    assert "Номер сторінки має бути цілим числом, 1 або більше." in text(response)


def test_accept_language_header_picks_ukrainian(client, shop):
    body = text(client.get("/", headers={"Accept-Language": "uk"}))

    assert "Хмарні ліцензії для всієї вашої організації" in body


def test_english_is_the_default(client, shop):
    body = text(client.get("/"))

    assert '<html lang="en">' in body
    assert "Cloud licences for your whole organization" in body


def test_the_sign_in_and_registration_pages_speak_ukrainian(client, shop):
    client.post("/i18n/setlang/", {"language": "uk"})

    login = text(client.get("/accounts/login/"))
    register = text(client.get("/register/"))

    assert '<label class="form-label" for="id_login">Електронна пошта</label>' in login
    assert "Забули пароль?" in login
    assert "Email" not in login.split("<main", 1)[1].split("</main>", 1)[0]
    assert "Надіслати код підтвердження" in register
