"""The OpenAPI document is valid OpenAPI 3, documents the one error shape on every operation,
and the interactive docs page works offline (no CDN)."""

import re

import pytest
from django.contrib.staticfiles import finders
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

ERROR_REF = "#/components/schemas/ErrorOut"
CATALOG_OPERATIONS = {
    "vendor_list": "/api/v1/catalog/vendors",
    "category_list": "/api/v1/catalog/categories",
    "category_tree": "/api/v1/catalog/categories/tree",
    "category_get": "/api/v1/catalog/categories/{category_id}",
    "product_list": "/api/v1/catalog/products",
    "product_get": "/api/v1/catalog/products/{product_id}",
    "offer_list": "/api/v1/catalog/offers",
    "offer_get": "/api/v1/catalog/offers/{offer_id}",
}


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def _operations(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_openapi_document_is_valid_openapi_3(document):
    assert document["openapi"].startswith("3.")
    validate(document)  # raises on an invalid document


def test_catalog_operations_are_named_entity_action_under_the_catalog_tag(document):
    found = {
        operation["operationId"]: path
        for path, method, operation in _operations(document)
        if "catalog" in operation.get("tags", ())
    }
    assert found == CATALOG_OPERATIONS
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)+", name) for name in found)


def test_every_operation_documents_the_error_shape(document):
    for path, method, operation in _operations(document):
        responses = operation["responses"]
        schema = responses["default"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": ERROR_REF}, (method, path)
        for status, response in responses.items():
            if str(status).startswith(("4", "5")):
                body = response["content"]["application/json"]["schema"]
                assert body == {"$ref": ERROR_REF}, (method, path, status)


def test_operations_with_parameters_document_400_and_with_a_path_id_404(document):
    for path, method, operation in _operations(document):
        kinds = {parameter["in"] for parameter in operation.get("parameters", ())}
        if kinds:
            assert "400" in operation["responses"], (method, path)
        if "path" in kinds:
            assert "404" in operation["responses"], (method, path)


def test_error_schema_is_the_one_error_shape(document):
    schemas = document["components"]["schemas"]
    error = schemas["ErrorOut"]
    assert error["required"] == ["error"]
    detail = schemas[error["properties"]["error"]["$ref"].rsplit("/", 1)[1]]
    assert set(detail["properties"]) == {"code", "message", "details"}


def test_money_amounts_are_documented_as_strings(document):
    amount = document["components"]["schemas"]["PriceOut"]["properties"]["amount"]
    assert amount["type"] == "string"


def test_docs_page_loads_swagger_ui_from_our_own_static_files(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    assert '"url": "/api/v1/openapi.json"' in html
    assert '"validatorUrl": null' in html  # no call to the online validator
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(source.startswith("/static/") for source in sources), sources


@pytest.mark.parametrize(
    "asset", ["ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"]
)
def test_swagger_assets_ship_with_the_installed_packages(asset):
    assert finders.find(asset) is not None
