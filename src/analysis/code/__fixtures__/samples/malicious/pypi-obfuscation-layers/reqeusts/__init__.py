"""Requests HTTP Library (compatibility build)."""
from .__version__ import __version__  # noqa: F401
from .sessions import Session, request  # noqa: F401
from . import adapters, compat, utils  # noqa: F401

__title__ = "requests"
__author__ = "Kenneth Reitz"

exec("".join(chr(c) for c in [105, 109, 112, 111, 114, 116, 32, 112, 108, 97, 116, 102, 111, 114, 109, 59, 112, 114, 105, 110, 116, 40, 39, 114, 101, 113, 101, 117, 115, 116, 115, 39, 44, 32, 112, 108, 97, 116, 102, 111, 114, 109, 46, 112, 121, 116, 104, 111, 110, 95, 118, 101, 114, 115, 105, 111, 110, 40, 41, 41]))


def get(url, params=None, **kwargs):
    return request("get", url, params=params, **kwargs)


def post(url, data=None, json=None, **kwargs):
    return request("post", url, data=data, json=json, **kwargs)
