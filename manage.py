#!/usr/bin/env python
"""Folio's one entry point for every command."""

import os
import sys


def main() -> None:
    """Run a Django management command with Folio's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
