"""Triton: a language and compiler for writing highly efficient custom deep-learning primitives."""
__version__ = "3.0.0"

from . import runtime  # noqa: F401
from .runtime import driver  # noqa: F401
