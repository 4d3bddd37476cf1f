"""Layered configuration: defaults, then files, then environment variables."""
import os

import yaml

from .__about__ import __version__  # noqa: F401


def load(paths, prefix="TIDY_"):
    config = {}
    for path in paths:
        if os.path.exists(path):
            with open(path, encoding="utf-8") as fh:
                config.update(yaml.safe_load(fh) or {})
    for key, value in os.environ.items():
        if key.startswith(prefix):
            config[key[len(prefix):].lower()] = value
    return config
