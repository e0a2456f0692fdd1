"""What every operation of the OpenAPI schema promises, checked on all of them at once: integers bounded
to the database's range, OPTIONS answered, errors in the one JSON shape."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

DB_INT_MIN, DB_INT_MAX = -(2**63), 2**63 - 1
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def request_serializers():
    """(operation, serializer instance) of every operation that declares a request body."""
    from drf_spectacular.generators import SchemaGenerator
    from rest_framework import serializers

    from drf_spectacular.plumbing import ComponentRegistry
    from drf_spectacular.settings import spectacular_settings

    generator = SchemaGenerator()
    generator._initialise_endpoints()
    for path, regex, method, view in generator._get_paths_and_endpoints():
        if method.lower() not in ("post", "put", "patch"):
            continue
        # What SchemaGenerator.parse and AutoSchema.get_operation set up before asking for the request serializer.
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        view.schema.registry, view.schema.path, view.schema.path_regex = ComponentRegistry(), path, regex
        view.schema.path_prefix, view.schema.method = "", method
        found = view.schema.get_request_serializer()
        candidates = found.values() if isinstance(found, dict) else [found]
        for candidate in candidates:
            if isinstance(candidate, type) and issubclass(candidate, serializers.BaseSerializer):
                candidate = candidate()
            if isinstance(candidate, serializers.BaseSerializer):
                yield f"{method} {path}", candidate


def writable_integer_fields(field, where: str, depth: int = 0):
    """(where, field) of every DRF IntegerField a client may send inside `field`, nested serializers and lists included."""
    from rest_framework import serializers

    if getattr(field, "read_only", False) or depth > 8:
        return
    if isinstance(field, serializers.ListSerializer):
        field = field.child
    if isinstance(field, serializers.Serializer):
        for name, inner in field.fields.items():
            yield from writable_integer_fields(inner, f"{where}.{name}", depth + 1)
    elif isinstance(field, (serializers.ListField, serializers.DictField)):
        yield from writable_integer_fields(field.child, f"{where}[]", depth + 1)
    elif isinstance(field, serializers.IntegerField):
        yield where, field


def test_every_integer_a_request_body_carries_is_bounded_to_the_databases_range():
    fields = dict(
        found for operation, serializer in request_serializers() for found in writable_integer_fields(serializer, operation)
    )
    unbounded = [where for where, field in fields.items()
                 if field.min_value is None or field.max_value is None or field.min_value < DB_INT_MIN or field.max_value > DB_INT_MAX]

    assert "PATCH /api/call-sheets/{id}/.cast_calls.cast_member" in fields and "POST /api/scenes/.assignees[]" in fields

    assert unbounded == [], "use apps.core.integers.IntegerField (or a model field) for these:\n" + "\n".join(unbounded)


def fill(path: str, value: str = "1") -> str:
    import re

    return re.sub(r"\{[^}]+\}", value, path)


def test_every_integer_query_parameter_past_the_databases_range_is_answered_without_a_server_error(schema, api, production):
    checked = {}
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        for parameter in get.get("parameters", []):
            node = resolve(schema, parameter.get("schema", {}))
            if parameter["in"] != "query" or "integer" not in (node.get("type"), node.get("items", {}).get("type")):
                continue
            for value in (str(2**63), "9" * 5000):
                response = api.get(fill(path, str(production.pk)), {parameter["name"]: value})
                checked[f"{path}?{parameter['name']}"] = response.status_code
                assert response.status_code < 500, (path, parameter["name"], response.status_code, response.content[:300])
                if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
                    assert set(response.json()) == {"message", "code", "extra"}
    # filters answer 400 (page numbers past the last page 404, page sizes are capped at 500: 200)
    assert checked["/api/props/?scenes"] == checked["/api/scenes/?production"] == checked["/api/events/?before"] == 400


@pytest.mark.parametrize("value", [str(2**63), "9" * 25, "9" * 5000])
def test_an_id_in_the_path_past_the_databases_range_is_a_404(api, production, value):
    for path in (f"/api/productions/{value}/members/", f"/api/productions/{value}/invitations/", f"/api/productions/{value}/dood/",
                 f"/api/scenes/{value}/", f"/api/ai/scripts/{value}/generate/"):
        response = api.get(path) if "generate" not in path else api.post(path, {}, format="json")
        assert response.status_code == 404, (path, response.status_code, response.content[:300])


def test_options_answers_every_operation_of_the_schema(schema, api, production):
    for path in schema["paths"]:
        response = api.options(fill(path, str(production.pk)))

        assert response.status_code < 500, (path, response.status_code, response.content[:300])


def test_every_operation_declares_its_errors_with_the_one_error_body(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            errors = {code: answer for code, answer in operation["responses"].items() if int(code) >= 400}
            assert errors, f"{method.upper()} {path} declares no error"
            for code, answer in errors.items():
                assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, (path, method, code)
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "extra", "message"]


# Every write also answers 422 (and 409, 400) for its Idempotency-Key (apps.core.idempotency): sign-in too, for a signed-in user.
@pytest.mark.parametrize("method, path, expected", [
    ("patch", "/api/scenes/{id}/", {400, 401, 403, 404, 409, 413, 414, 415, 422, 428, 503}),
    ("get", "/api/scenes/", {400, 401, 403, 404, 414}),
    ("get", "/api/notifications/unread-count/", {401, 403}),
    ("post", "/api/auth/login/", {400, 401, 403, 409, 413, 415, 422, 429, 503}),  # 401: two_factor_required
    ("post", "/api/uploads/", {400, 401, 403, 404, 409, 412, 413, 422, 503, 507}),
    ("patch", "/api/productions/{id}/", {400, 401, 403, 404, 409, 413, 414, 415, 422, 428, 503}),
    ("post", "/api/media/", {400, 401, 403, 404, 409, 413, 415, 422, 503}),
    ("get", "/api/media/{id}/original/", {401, 403, 404, 414, 416}),
])
def test_an_operation_declares_the_errors_it_really_answers(schema, method, path, expected):
    declared = {int(code) for code in schema["paths"][path][method]["responses"] if int(code) >= 400}

    assert declared == expected


def test_a_file_is_declared_whole_or_in_part_in_each_type_it_is_served_as(schema):
    original = schema["paths"]["/api/media/{id}/original/"]["get"]["responses"]

    assert set(original["200"]["content"]) == set(original["206"]["content"]) == {
        "application/octet-stream", "video/mp4", "image/png", "image/jpeg", "image/webp"}
