"""The `kb` blueprint: reading and searching (views.py) and writing (editor.py) share it."""

from __future__ import annotations

import importlib

from flask import Blueprint

bp = Blueprint("kb", __name__, url_prefix="/kb")


def kb_blueprint() -> Blueprint:
    """The blueprint with every route attached."""
    for module in ("portal.kb.views", "portal.kb.editor", "portal.kb.self_help_views"):
        importlib.import_module(module)
    return bp
