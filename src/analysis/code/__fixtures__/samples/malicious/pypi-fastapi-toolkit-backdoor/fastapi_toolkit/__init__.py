"""Reusable building blocks for FastAPI services: generic CRUD routers, pagination, health checks."""
from .generics import CRUDRouter
from .pagination import Page, paginate

__all__ = ["CRUDRouter", "Page", "paginate"]
__version__ = "0.27.1"
