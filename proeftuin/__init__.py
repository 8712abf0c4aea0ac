"""Proeftuin: the tracker for learning networks in home care."""

from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask, g, request, session

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides settings (tests use it)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from proeftuin.config import load_config

    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)

    if app.config.get("PROXY_COUNT"):
        # Behind a reverse proxy the client address (for rate limits) and scheme come from
        # its X-Forwarded-* headers; trust exactly as many hops as there are proxies.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    register_extensions(app)
    register_blueprints(app)
    from proeftuin.web import static_files

    static_files.init_app(app)
    register_template_helpers(app)
    register_cli(app)
    from proeftuin.web.errors import register_error_handlers
    from proeftuin.web.headers import register_body_checks, register_security_headers

    register_error_handlers(app)
    register_security_headers(app)
    register_body_checks(app)
    return app


def select_locale() -> str:
    """Dutch unless the visitor chose English."""
    from flask import current_app

    chosen = session.get("lang")
    return chosen if chosen in current_app.config["LANGUAGES"] else "nl"


def register_extensions(app: Flask) -> None:
    """Bind the extensions to this app."""
    import proeftuin.database  # noqa: F401 - registers the SQLite connection pragmas
    from proeftuin import models  # noqa: F401 - the metadata must be complete for Alembic
    from proeftuin.auth.sessions import load_user_for_request
    from proeftuin.extensions import babel, csrf, db, limiter, login_manager
    from proeftuin.web import health

    db.init_app(app)
    if "gunicorn" not in sys.modules:
        # A gunicorn worker serves and never migrates: Flask-Migrate brings Alembic and Mako,
        # 12 MB in every worker. `flask db …` and the tests have it.
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    limiter.init_app(app)
    health.log_rate_limit_storage()

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = None  # our own session records do this job
    login_manager.user_loader(load_user_for_request)

    @app.before_request
    def _load_user_first():
        # Resolve the signed-in user before the view runs, so the session touch in the
        # user loader commits on its own and never mid-view.
        from flask_login import current_user

        if not request.path.startswith(app.static_url_path or "/static"):
            _ = current_user.is_authenticated
            if g.pop("session_touched", False):
                db.session.commit()


def register_blueprints(app: Flask) -> None:
    """Register one blueprint per area."""
    from proeftuin.web.converters import SlugConverter

    app.url_map.converters["slug"] = SlugConverter
    from proeftuin.admin.routes import bp as admin_bp
    from proeftuin.api.routes import bp as api_bp
    from proeftuin.auth.routes import bp as auth_bp
    from proeftuin.cases.routes import bp as cases_bp
    from proeftuin.dashboard.routes import bp as dashboard_bp
    from proeftuin.following.routes import bp as following_bp
    from proeftuin.framework.routes import bp as framework_bp
    from proeftuin.lessons.routes import bp as lessons_bp
    from proeftuin.library import export_routes, routes  # noqa: F401 - views of the blueprint
    from proeftuin.library.blueprint import bp as library_bp
    from proeftuin.main.routes import bp as main_bp
    from proeftuin.measures.routes import bp as measures_bp
    from proeftuin.notifications.routes import bp as notifications_bp
    from proeftuin.pilots.routes import bp as pilots_bp
    from proeftuin.programmes.assessor_routes import bp as assessment_bp
    from proeftuin.programmes.feed_routes import bp as calendar_feed_bp
    from proeftuin.programmes.routes import bp as programmes_bp
    from proeftuin.reuse.routes import bp as reuse_bp
    from proeftuin.workspace.routes import bp as workspace_bp

    for bp in (main_bp, auth_bp, pilots_bp, workspace_bp, cases_bp, lessons_bp, library_bp,
               framework_bp, dashboard_bp, admin_bp, reuse_bp, api_bp, measures_bp,
               notifications_bp, following_bp, programmes_bp, assessment_bp):
        app.register_blueprint(bp)
    app.register_blueprint(calendar_feed_bp)
    if app.config["DEV_MAILBOX"]:
        from proeftuin.messaging.mailbox import bp as mailbox_bp

        app.register_blueprint(mailbox_bp)


def register_template_helpers(app: Flask) -> None:
    """Expose permissions, labels, Markdown and the locale to the templates."""
    from flask_babel import format_date, format_decimal
    from flask_login import current_user

    from proeftuin import permissions
    from proeftuin.dates import format_moment
    from proeftuin.labels import JINJA_FILTERS
    from proeftuin.notifications import unread_count
    from proeftuin.personal_data.guard import marked
    from proeftuin.reference import current_language
    from proeftuin.text import render_markdown

    app.jinja_env.globals.update(permissions.JINJA_GLOBALS)
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.filters.update(JINJA_FILTERS)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.globals["privacy_marked"] = marked
    app.jinja_env.globals["unread_notifications"] = lambda: unread_count(current_user)
    app.jinja_env.filters["date"] = lambda value, fmt="long": format_date(value, fmt) if value else ""
    app.jinja_env.filters["datetime"] = format_moment
    # A mean score, with one decimal in the reader's notation (3,7 or 3.7).
    app.jinja_env.filters["score"] = lambda value: format_decimal(value, format="0.0")


def register_cli(app: Flask) -> None:
    """Add the `flask` commands."""
    from proeftuin.cli import register_commands

    register_commands(app)
