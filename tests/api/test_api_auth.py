import pytest

from tests.conftest import PASSWORD, make_user


def _token(client, email="api@example.com"):
    response = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201
    return response.get_json()["token"]


def test_token_authenticates_later_requests(client):
    make_user("api@example.com")
    token = _token(client)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.get_json()["email"] == "api@example.com"


def test_wrong_password_gets_a_json_401(client):
    make_user("api@example.com")
    response = client.post("/api/v1/tokens", json={"email": "api@example.com", "password": "nope"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("[1, 2]", "application/json", 400),
        ('{"email": 5, "password": []}', "application/json", 422),
        ('{"email": "a@example.com"}', "application/json", 422),
        ("email=a", "application/x-www-form-urlencoded", 415),
    ],
)
def test_malformed_token_requests_get_json_errors(client, body, content_type, status):
    response = client.post("/api/v1/tokens", data=body, content_type=content_type)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] and error["message"]


def test_bad_bearer_token_is_refused_as_json(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer forged"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"


def test_missing_token_is_refused_as_json(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert "Bearer" in response.get_json()["error"]["message"]


def test_unknown_api_path_and_method_answer_json(client):
    assert client.get("/api/v1/nothing-here").get_json()["error"]["code"] == "not_found"
    response = client.delete("/api/v1/tokens")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_openapi_lists_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {
        (path, method.upper()) for path, ops in document["paths"].items() for method in ops
    }
    served = {
        (_normalise(rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert served and served == documented


def _normalise(rule: str) -> str:
    """Flask's `<int:number>` written as OpenAPI's `{number}`."""
    out = []
    for part in rule.split("/"):
        if part.startswith("<"):
            part = "{" + part[1:-1].split(":")[-1] + "}"
        out.append(part)
    return "/".join(out)


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 100}])
def test_oversized_api_body_gets_json_413(client, app_config):
    response = client.post("/api/v1/tokens", json={"email": "x" * 500, "password": "y"})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
