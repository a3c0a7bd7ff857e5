"""The cases blueprint, shared by the filing views and the case page views."""

from flask import Blueprint

bp = Blueprint("cases", __name__)
