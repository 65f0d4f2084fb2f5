"""manage.py's entry point: run a command inside a change-log context that names it."""

from __future__ import annotations

import contextlib

# Long-running commands serve many requests or none: naming them would lump unrelated changes together.
UNNAMED_COMMANDS = frozenset({"runserver", "shell", "dbshell", "test", "help"})


def _command_name(argv: list[str]) -> str | None:
    name = argv[1] if len(argv) > 1 else ""
    return None if not name or name.startswith("-") or name in UNNAMED_COMMANDS else name


def command_context(argv: list[str]) -> contextlib.AbstractContextManager:
    """The change-log context for `manage.py <argv[1]>` (needs the app registry): `command: <name>`."""
    name = _command_name(argv)
    if name is None:
        return contextlib.nullcontext()
    import pghistory

    return pghistory.context(command=name)


def execute_named(argv: list[str]) -> None:
    """Run `argv` as manage.py would; changes the command writes carry `command: <name>` in their context."""
    import django
    from django.core.management import execute_from_command_line

    if _command_name(argv) is None:
        execute_from_command_line(argv)
        return
    django.setup()  # pghistory needs the app registry; execute_from_command_line's own setup is then a no-op
    with command_context(argv):
        execute_from_command_line(argv)
