"""The dashboard's files: ``/__mock__/`` (the dashboard), ``/__mock__/docs/<api>`` (Swagger UI) and their assets.

These are static files, with no data in them, so they answer without the admin token: the page asks for the
token once (when the admin API answers 401) and sends it with every admin call. Swagger UI's own files come from
the ``flask-swagger-ui`` package, which ships its release's ``dist`` directory.
"""
from __future__ import annotations

import mimetypes
from functools import cache
from importlib.resources import files
from pathlib import Path

from flask import Blueprint, Response, abort
from werkzeug.security import safe_join

STATIC = Path(__file__).resolve().parent / "static"
# Named here: the system's MIME table may call a script text/plain, which nosniff then refuses to run.
TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
# The pages load nothing from elsewhere; Swagger UI sets inline styles and shows data: images.
POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
          "connect-src 'self'; frame-ancestors 'self'")


def swagger_dist() -> Path:
    """Swagger UI's release files, as the ``flask-swagger-ui`` package ships them (a runtime dependency)."""
    return Path(str(files("flask_swagger_ui") / "dist"))


@cache
def _file(directory: Path, name: str) -> tuple[bytes, str] | None:
    """A file's bytes and type, read once: the package's files do not change while it runs."""
    path = safe_join(str(directory), name)
    if path is None or not Path(path).is_file():
        return None
    kind = TYPES.get(Path(path).suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    return Path(path).read_bytes(), kind


def _served(directory: Path, name: str) -> Response:
    found = _file(directory, name)
    if found is None:
        abort(404)
    data, mimetype = found
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-cache"
    return response


def blueprint(apis: tuple[str, ...]) -> Blueprint:
    bp = Blueprint("mockserver_dashboard", __name__)

    @bp.get("/")
    def dashboard():
        return _served(STATIC, "index.html")

    @bp.get("/assets/<path:name>")
    def asset(name: str):
        return _served(STATIC, name)

    @bp.get("/docs/<api>")
    def docs(api: str):
        if api not in apis:
            abort(404)
        return _served(STATIC, "docs.html")

    @bp.get("/swagger-ui/<path:name>")
    def swagger_ui(name: str):
        return _served(swagger_dist(), name)

    return bp
