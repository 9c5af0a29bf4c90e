"""Command-line tasks: create-user, seed-demo, check-content."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask, current_app

from .catalog import ContentError, load_catalog
from .extensions import db
from .models import ROLES, User
from .seed import seed_demo


def register_cli(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(check_content_command)


@click.command("create-user")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--role", type=click.Choice(ROLES), default="learner", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(email: str, name: str, role: str, password: str) -> None:
    """Create an account (asks for anything not given)."""
    from .auth import MIN_PASSWORD, create_user, find_user

    if find_user(email):
        raise click.ClickException(f"an account with {email} exists already")
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"the password needs at least {MIN_PASSWORD} characters")
    create_user(email, name, password, role)
    db.session.commit()
    click.echo(f"Created {role} {email}.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only seed a database that has no accounts yet.")
def seed_demo_command(if_empty: bool) -> None:
    """Add the demo accounts and a demo team; running it again changes nothing."""
    if if_empty and count_users():
        click.echo("The database has accounts already; demo data left as it is.")
        return
    created = seed_demo()
    click.echo(f"Demo data ready ({created} new accounts). Password for every demo account: pipeline-demo")


@click.command("check-content")
def check_content_command() -> None:
    """Validate every lesson and quiz; list each mistake with its file and line."""
    try:
        found = load_catalog(current_app.config["CONTENT_DIR"], current_app.config["QUIZ_DIR"])
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(error.problems)} problem(s) in the content") from None
    click.echo(f"Content is valid: {len(found.lessons)} lessons, {len(found.quizzes)} quizzes.")


def count_users() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0
