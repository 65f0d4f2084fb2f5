"""OpenAPI schema additions that hold for every operation (drf-spectacular postprocessing hook).

Every operation can answer with our error shape (config/api/errors.py) for reasons that do not depend on
the view: a bad token (401) or role (403) on authenticated routes, bad input (400) where there is a body
or a query, a missing row (404) on detail routes and on a page past the end of a list, a body too large
(413) or of an unsupported media type (415), and a delete of a row others still reference (409). Views
still declare their own errors with their own descriptions; this hook adds only the codes an operation
does not declare yet.
"""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
METHODS = ("get", "put", "patch", "post", "delete")
DESCRIPTIONS = {
    400: "Invalid input; `field` names the first bad one.",
    401: "No or bad token.",
    403: "The user's role does not allow this.",
    404: "Not found (or not yours), or a page past the end of the list.",
    413: "The request body is too large.",
    415: "Unsupported request media type.",
    409: "Still referenced by other rows (e.g. a site by a project); `message` names them.",
}


def _error_codes(method: str, operation: dict[str, Any]) -> list[int]:
    parameters = operation.get("parameters", [])
    query = [p for p in parameters if p.get("in") == "query"]
    codes = []
    if "requestBody" in operation or query:
        codes.append(400)
    if operation.get("security"):
        codes += [401, 403]
    if any(p.get("in") == "path" for p in parameters) or any(p["name"] == "page" for p in query):
        codes.append(404)
    if "requestBody" in operation:
        codes += [413, 415]
    if method == "delete":
        codes.append(409)
    return codes


def add_error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    for item in result.get("paths", {}).values():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for code in _error_codes(method, operation):
                content = {"application/json": {"schema": ERROR_REF}}
                responses.setdefault(str(code), {"description": DESCRIPTIONS[code], "content": content})
    return result
