"""Entry point for `flask --app wsgi` and gunicorn (`wsgi:app`)."""

import sys

from course import create_app
from course.catalog import ContentError

try:
    app = create_app()
except ContentError as error:  # a content mistake stops start-up with a readable list, no traceback
    sys.exit(f"The course content has {len(error.problems)} problem(s):\n{error}")
