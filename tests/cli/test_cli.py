from portal.extensions import db
from portal.models import Organisation, Partner, User


def test_orgs_create_then_users_create_with_both_contact_roles(runner):
    result = runner.invoke(
        args=[
            "orgs",
            "create",
            "Initech",
            "--tier",
            "gold",
            "--start",
            "2026-01-01",
            "--end",
            "2026-12-31",
        ]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=[
            "users",
            "create",
            "boss@initech.example.com",
            "--name",
            "Bill Boss",
            "--password",
            "a-long-passphrase",
            "--role",
            "customer",
            "--org",
            "Initech",
            "--contact-role",
            "support-admin",
            "--contact-role",
            "license-admin",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(email="boss@initech.example.com").one()
    assert sorted(c.kind for c in user.contact_roles) == ["license-admin", "support-admin"]
    assert db.session.query(Organisation).one().agreements[0].tier == "gold"


def test_users_create_refuses_a_duplicate_with_a_message(runner):
    args = [
        "users",
        "create",
        "dup@example.com",
        "--name",
        "Dee",
        "--password",
        "a-long-passphrase",
    ]
    assert runner.invoke(args=args).exit_code == 0
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_users_create_for_unknown_org_says_so(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "x@example.com",
            "--name",
            "X Person",
            "--password",
            "a-long-passphrase",
            "--role",
            "customer",
            "--org",
            "Nowhere Inc",
        ]
    )
    assert result.exit_code != 0
    assert "No organisation called" in result.output
    assert db.session.query(User).count() == 0


def test_orgs_create_with_a_bad_date_is_refused(runner):
    result = runner.invoke(
        args=[
            "orgs",
            "create",
            "Bad Dates",
            "--tier",
            "base",
            "--start",
            "yesterday",
            "--end",
            "2026-12-31",
        ]
    )
    assert result.exit_code == 2


def test_demo_seed_creates_every_contract_account_and_is_idempotent(runner):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    counts = (
        db.session.query(User).count(),
        db.session.query(Organisation).count(),
        db.session.query(Partner).count(),
    )
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0, second.output
    assert (
        db.session.query(User).count(),
        db.session.query(Organisation).count(),
        db.session.query(Partner).count(),
    ) == counts
    for email in [
        "eval@example.com",
        "admin@base.example.com",
        "admin@gold.example.com",
        "license@gold.example.com",
        "tse@support.example.com",
        "manager@support.example.com",
        "writer@support.example.com",
        "pm@support.example.com",
    ]:
        assert email in first.output


def test_every_demo_account_logs_in(runner, client):
    seeded = runner.invoke(args=["demo", "seed"])
    assert seeded.exit_code == 0, seeded.output
    users = db.session.query(User).all()
    assert {"admin@gold.example.com", "tse@support.example.com"} <= {u.email for u in users}
    for user in users:
        response = client.post("/login", data={"email": user.email, "password": "portal-demo"})
        assert response.status_code == 302, user.email
        client.post("/logout")


def test_demo_gold_and_base_contacts_may_file_and_expired_may_not(runner):
    from portal.accounts.entitlement import can_file_case
    from portal.accounts.service import find_user_by_email

    runner.invoke(args=["demo", "seed"])
    assert can_file_case(find_user_by_email("admin@gold.example.com"))
    assert can_file_case(find_user_by_email("admin@base.example.com"))
    assert not can_file_case(find_user_by_email("license@gold.example.com"))
    assert not can_file_case(find_user_by_email("admin@expired.example.com"))
