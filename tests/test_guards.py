"""Text with a NUL character is refused up front, on every database."""

from portal.extensions import db
from portal.models import User


def test_form_with_a_nul_character_is_a_clear_400(client):
    response = client.post(
        "/register", data={"email": "a@example.com", "name": "Nul\x00Name", "password": "x" * 12}
    )
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)
    assert db.session.query(User).count() == 0


def test_json_with_a_nul_character_is_a_json_400(client):
    response = client.post("/api/v1/tokens", json={"email": "a\x00@example.com", "password": "p"})
    assert response.status_code == 400
    assert "NUL" in response.get_json()["error"]["message"]


def test_query_string_and_path_with_nul_are_refused(client):
    assert client.get("/kb/?q=nfs%00mount").status_code == 400
    assert client.get("/docs/bad%00slug").status_code == 400
