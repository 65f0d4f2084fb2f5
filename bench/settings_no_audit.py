"""bench_load's "change log off" server: the base settings without the change-log context middleware (the bench
also disables the triggers), so the write routes can be measured with and without the change log in one run."""

from config.settings.base import *  # noqa: F403
from config.settings.base import MIDDLEWARE

MIDDLEWARE = [name for name in MIDDLEWARE if name != "changelog.context.ChangeContextMiddleware"]
