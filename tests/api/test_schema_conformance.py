"""Every operation of /api/v1/openapi.json, run by schemathesis as a customer and as staff.

The examples, coverage and fuzzing phases send each operation valid and invalid requests;
every answer must be documented (status code, content type, body schema) and none a 5xx.
"""

from __future__ import annotations

import pytest
import schemathesis
from flask import g
from schemathesis.checks import CHECKS
from schemathesis.config import SchemathesisConfig

from portal.extensions import db
from portal.ideas import service as ideas
from portal.models import Role
from tests.conftest import PASSWORD, make_case, make_user

CHECK_NAMES = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
)


def _token(client, email: str) -> str:
    response = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201
    return response.get_json()["token"]


@pytest.fixture
def seeded(client, gold_contact, contoso) -> dict[str, object]:  # noqa: ANN001 - fixtures
    """Bearer tokens for a customer's Support Administrator and a support manager, and the
    objects the path parameters name: the customer's case, an idea, and a spare token the
    revoke operation may end (not one the test sends)."""
    make_user("manager@support.example.com", Role.MANAGER, name="Maya Moreno")
    case = make_case(gold_contact, contoso)
    idea = ideas.create_idea(gold_contact, "Bulk export", "Export every case as CSV.", accept=True)
    db.session.commit()
    spare = client.post(
        "/api/v1/tokens", json={"email": "admin@gold.example.com", "password": PASSWORD}
    ).get_json()["id"]
    tokens = {
        "customer": _token(client, "admin@gold.example.com"),
        "staff": _token(client, "manager@support.example.com"),
    }
    return {
        "tokens": tokens,
        "parameters": {"number": case.number, "idea_id": idea.id, "token_id": spare},
    }


@pytest.fixture
def api_schema(app, seeded):  # noqa: ANN001 - fixtures
    config = SchemathesisConfig.from_dict(
        {
            "seed": 13,
            "generation": {"max-examples": 20, "deterministic": True, "database": "none"},
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
            # Path parameters name real objects, so the requests reach the handlers' rules
            # rather than stopping at a 404.
            "parameters": seeded["parameters"],
        }
    )
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_every_operation_answers_as_documented(case, seeded) -> None:  # noqa: ANN001
    checks = [CHECKS.get_one(name) for name in CHECK_NAMES]
    for token in seeded["tokens"].values():
        for key in list(g):  # each request starts with an empty `g`, as in production
            g.pop(key)
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=checks)
