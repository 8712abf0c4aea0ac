"""The `flask create-user` command: the first admin, and clear refusals."""

from __future__ import annotations

import sqlalchemy as sa

from proeftuin.auth.passwords import verify_password
from proeftuin.extensions import db
from proeftuin.models import Role, User

PASSWORD = "een zin als eerste wachtwoord"


def create_user(runner, email="Eerste.Beheerder@Voorbeeld.example", name="Eerste Beheerder",
                password=PASSWORD, *extra):
    # The `flask` command pushes an application context before it runs an app's command;
    # the test runner invokes app.cli directly, so the test pushes one the same way.
    with runner.app.app_context():
        return runner.invoke(args=["create-user", "--email", email, "--name", name,
                                   "--password", password, *extra])


def users_with(app, email: str) -> list[User]:
    with app.app_context():
        return list(db.session.scalars(
            sa.select(User).where(sa.func.lower(User.email) == email.lower())))


def test_create_user_makes_an_admin_who_can_sign_in(app, runner, client):
    result = create_user(runner)

    assert result.exit_code == 0, result.output
    assert "Created admin eerste.beheerder@voorbeeld.example" in result.output
    [user] = users_with(app, "eerste.beheerder@voorbeeld.example")
    assert user.role is Role.admin and user.active and user.name == "Eerste Beheerder"
    assert user.email == "eerste.beheerder@voorbeeld.example"
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, PASSWORD)

    response = client.post("/login", data={"email": "eerste.beheerder@voorbeeld.example",
                                           "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/beheer/").status_code == 200


def test_create_user_takes_a_role(app, runner):
    result = create_user(runner, "begeleider@voorbeeld.example", "Begeleider", PASSWORD,
                         "--role", "facilitator")
    assert result.exit_code == 0, result.output
    [user] = users_with(app, "begeleider@voorbeeld.example")
    assert user.role is Role.facilitator


def test_create_user_refuses_a_short_password(app, runner):
    result = create_user(runner, password="te kort")

    assert result.exit_code != 0
    assert "Het wachtwoord is te kort: gebruik minstens 12 tekens." in result.output
    assert users_with(app, "eerste.beheerder@voorbeeld.example") == []


def test_create_user_refuses_a_too_long_password(app, runner):
    result = create_user(runner, password="x" * 129)
    assert result.exit_code != 0
    assert "te lang" in result.output
    assert users_with(app, "eerste.beheerder@voorbeeld.example") == []


def test_create_user_refuses_a_duplicate_email_whatever_the_case(app, runner):
    assert create_user(runner).exit_code == 0

    result = create_user(runner, "EERSTE.beheerder@voorbeeld.EXAMPLE", "Nog een keer")

    assert result.exit_code != 0
    assert "Er is al een account met het e-mailadres eerste.beheerder@voorbeeld.example." in result.output
    [user] = users_with(app, "eerste.beheerder@voorbeeld.example")
    assert user.name == "Eerste Beheerder"


def test_create_user_refuses_an_invalid_email(app, runner):
    result = create_user(runner, email="geen-adres")
    assert result.exit_code != 0
    assert "geen geldig e-mailadres" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_create_user_refuses_an_unknown_role(app, runner):
    result = create_user(runner, "x@voorbeeld.example", "X", PASSWORD, "--role", "superuser")
    assert result.exit_code != 0
    assert users_with(app, "x@voorbeeld.example") == []


def test_create_user_asks_for_what_is_missing(app, runner):
    with app.app_context():
        result = runner.invoke(args=["create-user"],
                               input=f"gevraagd@voorbeeld.example\nGevraagd\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    [user] = users_with(app, "gevraagd@voorbeeld.example")
    assert user.role is Role.admin and verify_password(user.password_hash, PASSWORD)
    assert PASSWORD not in result.output  # the password is typed hidden
