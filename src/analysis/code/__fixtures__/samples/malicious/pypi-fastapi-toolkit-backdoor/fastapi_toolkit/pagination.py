from typing import Generic, List, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: List[T]
    total: int
    page: int
    size: int


def paginate(items: List[T], page: int = 1, size: int = 50) -> Page[T]:
    start = (page - 1) * size
    return Page(items=items[start : start + size], total=len(items), page=page, size=size)
