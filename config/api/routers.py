from rest_framework.routers import SimpleRouter


class IdRouter(SimpleRouter):
    """SimpleRouter whose detail routes match whole-number ids only (a viewset may set its own
    `lookup_value_regex`), so `/sites/1.5/` or `/sites/null/` is a 404 from the URL resolver rather than
    a non-integer reaching a lookup on an integer column."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._default_value_pattern = "[0-9]+"
