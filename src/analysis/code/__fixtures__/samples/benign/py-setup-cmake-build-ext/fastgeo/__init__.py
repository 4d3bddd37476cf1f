from ._core import haversine

__all__ = ["haversine"]
__version__ = "0.8.2"
