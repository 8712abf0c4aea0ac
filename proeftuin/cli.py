"""The `flask` commands: create-user, seed-demo, reset-two-factor, purge-expired,
purge-audit-trail, generate-totp-key, rotate-totp-key, search-reindex, backup, generate-data
and worker."""

from __future__ import annotations

from datetime import UTC

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext

from proeftuin.extensions import db


def register_commands(app: Flask) -> None:
    """Register the project's commands on the app."""
    app.cli.add_command(create_user)
    app.cli.add_command(seed_demo)
    app.cli.add_command(reset_two_factor)
    app.cli.add_command(purge_expired)
    app.cli.add_command(purge_audit_trail)
    app.cli.add_command(generate_totp_key)
    app.cli.add_command(rotate_totp_key)
    app.cli.add_command(search_reindex)
    app.cli.add_command(backup)
    app.cli.add_command(generate_data)
    app.cli.add_command(worker)


@click.command("create-user")
@click.option("--email", prompt=True, help="E-mail address to sign in with.")
@click.option("--name", prompt=True, help="Display name.")
@click.option(
    "--role",
    type=click.Choice(["admin", "facilitator", "participant"]),
    default="admin",
    show_default=True,
)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create_user(email: str, name: str, role: str, password: str) -> None:
    """Create an account (the first admin, typically)."""
    from proeftuin.admin.services import AccountError, create_account
    from proeftuin.models import Role

    try:
        user = create_account(email=email, name=name, role=Role(role), password=password)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only seed when there are no accounts yet.")
@with_appcontext
def seed_demo(if_empty: bool) -> None:
    """Load fictional demo programmes, pilots and accounts, and print the accounts."""
    from flask import current_app

    from proeftuin import demo
    from proeftuin.models import User

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException(
            "Refusing to load demo accounts with a published password into production."
        )

    has_users = db.session.scalar(sa.select(sa.func.count()).select_from(User)) > 0
    if has_users and if_empty:
        click.echo("The database already holds data; demo data not loaded.")
    else:
        demo.seed_demo()
        db.session.commit()
        click.echo("Demo data loaded.")
    click.echo(demo.accounts_text())


@click.command("reset-two-factor")
@click.argument("email")
@with_appcontext
def reset_two_factor(email: str) -> None:
    """Turn off an account's two-factor sign-in and end its sessions (a lost phone).

    For when no other admin can do it in the site, such as the only admin.
    """
    from proeftuin.admin.services import AccountError
    from proeftuin.admin.services import reset_two_factor as reset
    from proeftuin.auth.services import find_user_by_email
    from proeftuin.security_log import log_event

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with the e-mail address {email}.")
    try:
        reset(user, by=None)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    log_event("two_factor_reset", account_id=user.id, by="command-line")
    click.echo(f"Two-factor sign-in reset for {user.email}; all its sessions have ended. "
               "A facilitator or admin sets it up again at the next sign-in.")


@click.command("generate-totp-key")
def generate_totp_key() -> None:
    """Print a new key for TOTP_ENCRYPTION_KEY (it encrypts the two-factor secrets)."""
    from cryptography.fernet import Fernet

    click.echo(Fernet.generate_key().decode())


@click.command("rotate-totp-key")
@with_appcontext
def rotate_totp_key() -> None:
    """Encrypt every TOTP secret again with the first key of TOTP_ENCRYPTION_KEY.

    Put a new key first, keep the old one after it, restart, run this; then the old key can
    go. The secrets are read as stored, never decrypted into the log.
    """
    from proeftuin.models.encrypted import configured

    cipher = configured()
    rows = db.session.execute(sa.text(
        "SELECT id, totp_secret FROM user_account WHERE totp_secret IS NOT NULL")).all()
    for user_id, token in rows:
        db.session.execute(
            sa.text("UPDATE user_account SET totp_secret = :token WHERE id = :id"),
            {"token": cipher.rotate(token.encode()).decode(), "id": user_id})
    db.session.commit()
    click.echo(f"{len(rows)} TOTP secret(s) encrypted with the first key. The other keys can "
               "now be removed from TOTP_ENCRYPTION_KEY.")


@click.command("purge-audit-trail")
@click.option("--before", "before", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Delete the events that occurred before this day (YYYY-MM-DD, UTC).")
@click.option("--by", "by", required=True, help="Your name: the purge records who ran it.")
@click.option("--dry-run", is_flag=True, help="Only count the events; delete nothing.")
@with_appcontext
def purge_audit_trail(before, by: str, dry_run: bool) -> None:
    """Delete audit events older than the retention period (AUDIT_RETENTION_DAYS).

    The only way the database lets events go: the purge is recorded in audit_purge (who, when,
    up to which moment, how many), and that record can be neither changed nor deleted.
    """
    from proeftuin import audit

    moment = before.replace(tzinfo=UTC)
    by = by.strip()
    if not by:
        raise click.UsageError("--by needs your name.")
    try:
        count = audit.purge_events(moment, by[:120], dry_run=dry_run)
    except audit.PurgeTooRecent:
        latest = audit.latest_purgeable().date().isoformat()
        raise click.UsageError(
            f"Events are kept {current_app.config['AUDIT_RETENTION_DAYS']} days: "
            f"--before may be {latest} at the latest.") from None
    if dry_run:
        click.echo(f"Dry run: {count} audit event(s) occurred before {moment.date()}. "
                   "Nothing was changed.")
        return
    db.session.commit()
    click.echo(f"{count} audit event(s) from before {moment.date()} deleted; the purge is "
               "recorded in audit_purge.")


@click.command("purge-expired")
@click.option("--dry-run", is_flag=True, help="Only list what has expired; delete nothing.")
@with_appcontext
def purge_expired(dry_run: bool) -> None:
    """Delete the case discussions whose retention period has passed.

    A pilot's case discussions expire CASE_RETENTION_DAYS after it completed or stopped.
    Prints the number per pilot, never what they hold; lessons and the audit trail stay.
    """
    from proeftuin.personal_data import retention

    days = retention.retention_days()
    on = retention.today()
    expired = retention.purge_expired(on, dry_run=dry_run)
    total = sum(row.case_count for row in expired)
    verb = "would be deleted" if dry_run else "deleted"
    click.echo(f"Retention period: {days} days after a pilot completed or stopped "
               f"(today is {on.isoformat()}).")
    for row in expired:
        click.echo(f"  {row.pilot.slug}: {row.case_count} case discussion(s) {verb}; "
                   f"the pilot ended on {row.ended_on.isoformat()}, "
                   f"its cases expired on {row.expires_on.isoformat()}.")
    if dry_run:
        click.echo(f"Dry run: {total} case discussion(s) of {len(expired)} pilot(s) would be "
                   "deleted. Nothing was changed.")
        return
    db.session.commit()
    click.echo(f"Deleted {total} case discussion(s) of {len(expired)} pilot(s).")


@click.command("search-reindex")
@with_appcontext
def search_reindex() -> None:
    """Rebuild the library's full-text index from the published lessons.

    Publishing and withdrawing keep the index current; rebuild it after restoring a backup
    or after an upgrade that changes how text is read or stemmed.
    """
    from proeftuin import search

    total = search.rebuild()
    db.session.commit()
    click.echo(f"Indexed {total} published lesson(s).")


@click.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, writable=True))
@click.option("--force", is_flag=True, help="Overwrite the destination if it exists.")
@with_appcontext
def backup(destination: str, force: bool) -> None:
    """Back up the database to DESTINATION while the site keeps running.

    SQLite is copied with its online backup API into one self-contained file, which must
    pass SQLite's integrity check; PostgreSQL is dumped with `pg_dump --format=custom`. The
    backup is written under a temporary name beside DESTINATION and renamed only when
    complete, so DESTINATION never holds half a backup. Prints the file's size and how many
    pilots, case discussions and lessons it holds, never what they contain.

    The file holds personal data and case discussions: keep it as safe as the database.

    \b
    To restore on SQLite: stop the site; delete the database file's -wal and -shm
    files if there are any (a leftover log would be replayed into the restored file);
    copy the backup over the database file (instance/proeftuin.sqlite3 unless
    DATABASE_URL says otherwise); start the site.
    To restore on PostgreSQL: stop the site; run
      pg_restore --clean --if-exists -d postgresql://USER@HOST/DBNAME FILE
    and start the site.
    """
    from proeftuin import backup as backups

    try:
        result = backups.backup(destination, force=force)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    counts = ", ".join(f"{number} {label}" for label, number in result.counts.items())
    click.echo(f"Backed up to {result.destination} ({backups.describe_size(result.size)}).")
    click.echo(f"It holds {counts}.")


@click.command("generate-data")
@click.option("--pilots", type=click.IntRange(min=1), default=3_000, show_default=True)
@click.option("--cases", type=click.IntRange(min=0), default=300_000, show_default=True,
              help="Case discussions, spread over the working pilots.")
@click.option("--lessons", type=click.IntRange(min=0), default=100_000, show_default=True,
              help="Published lessons, each with its revision and in the search index.")
@click.option("--first-programme", type=click.IntRange(min=1), default=500, show_default=True,
              help="Pilots in the first programme; the others hold 250 each.")
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option("--password", help="Password of every generated account; by default a random "
              "one, printed at the end.")
@with_appcontext
def generate_data(pilots: int, cases: int, lessons: int, first_programme: int, seed: int,
                  password: str | None) -> None:
    """Add a large synthetic data set for benchmarks, with bulk inserts.

    Pilots, members, facilitators, case discussions, published lessons, reuse reports and
    the audit trail, all invented and marked "synthetisch". Added to what the database holds,
    in one transaction. Never run it on a production database.
    """
    import secrets
    import time

    from proeftuin.auth.passwords import hash_password
    from proeftuin.demo.synthetic.generate import Plan, generate

    password = password or secrets.token_urlsafe(12)
    started = time.perf_counter()
    result = generate(
        Plan(pilots=pilots, cases=cases, lessons=lessons, first_programme=first_programme,
             seed=seed),
        hash_password(password),
        progress=lambda step: click.echo(f"{time.perf_counter() - started:6.1f} s  {step}"))
    for table, number in result.rows.items():
        click.echo(f"{number:>9,}  {table}")
    click.echo(f"Done in {time.perf_counter() - started:.0f} s. Facilitator of the first "
               f"programme: {result.facilitator_email}; every account's password: {password}")


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due once, then stop.")
def worker(once: bool) -> None:
    """Deliver the outbox's e-mail over SMTP_URL until stopped (see docs/deploy.md)."""
    from flask import current_app

    from proeftuin.messaging import worker as outbox_worker

    outbox_worker.run(current_app._get_current_object(), once=once)
