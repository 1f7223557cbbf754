import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seatwise.catalog.enums import VendorKind
from seatwise.catalog.models import Category
from seatwise.catalog.tests.factories import make_category, make_product, make_vendor

pytestmark = pytest.mark.django_db

API = "/api/v1/catalog"


def _category(name: str, parent: Category | None = None, position: int = 0) -> Category:
    category = make_category(name, parent=parent)
    if position:
        category.position = position
        category.save(update_fields=["position"])
    return category


@pytest.fixture
def tree():
    """Software (2 active products below it, 1 inactive) > Security > Identity; Books (0)."""
    software = _category("Software")
    security = _category("Security", parent=software)
    identity = _category("Identity", parent=security)
    books = _category("Books", position=5)
    make_product(category=software)
    make_product(category=identity)
    make_product(category=identity, is_active=False)
    return {"software": software, "security": security, "identity": identity, "books": books}


def _flat(category: Category, count: int) -> dict:
    return {
        "id": category.pk,
        "name": category.name,
        "slug": category.slug,
        "description": "",
        "parent_id": category.parent_id,
        "position": category.position,
        "product_count": count,
    }


def test_vendor_list_returns_every_vendor_by_name(client):
    cisco = make_vendor("Cisco", kind=VendorKind.SMART_LICENSING)
    acme = make_vendor("Acme Books", kind=VendorKind.STORE)

    response = client.get(f"{API}/vendors")

    assert response.status_code == 200
    assert response.json() == [
        {"id": acme.pk, "name": "Acme Books", "slug": acme.slug, "kind": "store", "website": ""},
        {
            "id": cisco.pk,
            "name": "Cisco",
            "slug": cisco.slug,
            "kind": "smart_licensing",
            "website": "",
        },
    ]


def test_category_list_is_flat_depth_first_with_parent_ids_and_counts_below(client, tree):
    response = client.get(f"{API}/categories")

    assert response.status_code == 200
    assert response.json() == [
        _flat(tree["software"], 2),
        _flat(tree["security"], 1),
        _flat(tree["identity"], 1),
        _flat(tree["books"], 0),
    ]


def test_category_tree_nests_children(client, tree):
    response = client.get(f"{API}/categories/tree")

    assert response.status_code == 200

    def node(category, count, children=()):
        return {
            "id": category.pk,
            "name": category.name,
            "slug": category.slug,
            "product_count": count,
            "children": list(children),
        }

    assert response.json() == [
        node(
            tree["software"],
            2,
            [node(tree["security"], 1, [node(tree["identity"], 1)])],
        ),
        node(tree["books"], 0),
    ]


def test_category_get_has_breadcrumbs_and_direct_children(client, tree):
    response = client.get(f"{API}/categories/{tree['security'].pk}")

    assert response.status_code == 200
    assert response.json() == {
        **_flat(tree["security"], 1),
        "breadcrumbs": [
            {"id": tree["software"].pk, "name": "Software", "slug": tree["software"].slug},
            {"id": tree["security"].pk, "name": "Security", "slug": tree["security"].slug},
        ],
        "children": [_flat(tree["identity"], 1)],
    }


def test_category_list_costs_one_query_whatever_the_size(client, tree):
    with CaptureQueriesContext(connection) as small:
        client.get(f"{API}/categories")
    for _ in range(10):
        make_product(category=_category("More", parent=tree["books"]))
    with CaptureQueriesContext(connection) as large:
        response = client.get(f"{API}/categories")

    assert len(response.json()) == 14
    assert len(small.captured_queries) == len(large.captured_queries) == 1


def test_unknown_category_is_a_404_in_the_error_shape(client):
    response = client.get(f"{API}/categories/999999")

    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "category_not_found", "message": "Category not found.", "details": {}}
    }


def test_non_integer_category_id_is_a_400_in_the_error_shape(client):
    response = client.get(f"{API}/categories/abc")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["details"]["fields"][0]["field"] == "category_id"
    assert error["message"].startswith("category_id: ")


def test_unexpected_error_is_a_500_in_the_error_shape(client, monkeypatch, settings):
    settings.DEBUG = False

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr("seatwise.catalog.api.selectors.category_tree", broken)
    client.raise_request_exception = False

    response = client.get(f"{API}/categories")

    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "code": "server_error",
            "message": "Something went wrong on our side.",
            "details": {},
        }
    }
