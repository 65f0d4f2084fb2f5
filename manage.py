#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from changelog.commands import execute_named

    # Like Django's execute_from_command_line, but the change log names the command (docs/audit.md).
    execute_named(sys.argv)


if __name__ == "__main__":
    main()
