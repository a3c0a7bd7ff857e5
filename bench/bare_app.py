"""The reference: a bare Flask app rendering a 40-paragraph Jinja page.

Every page figure is reported as a ratio of this page's, measured in the same run on the
same server settings, so the figures say how close the portal comes to the framework's own
floor on this machine rather than how fast the machine happened to be.

    gunicorn --workers 2 bench.bare_app:app
"""

from __future__ import annotations

from flask import Flask, render_template

PARAGRAPH = (
    "XenServer pools share storage repositories between hosts, so a virtual machine can move "
    "from one host to another while it runs. When a host leaves the pool its local storage "
    "goes with it, and the machines on that storage must be moved or shut down first."
)

app = Flask(__name__)


@app.route("/")
def page() -> str:
    return render_template("bare.html", title="A bare page", paragraphs=[PARAGRAPH] * 40)
