#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notesite.settings")
    # manage.py is run on a laptop far more often than anywhere else, so it defaults to
    # development mode. Production sets DJANGO_DEBUG=0 for its commands (collectstatic,
    # migrate); the web server (notesite.wsgi) has no such default and refuses to start
    # without DJANGO_SECRET_KEY.
    os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
