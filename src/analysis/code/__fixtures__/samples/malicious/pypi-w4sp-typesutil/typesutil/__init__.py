"""Small helpers around ``typing``: runtime checks for annotated values."""
from typing import Any, get_args, get_origin, Union

__all__ = ["is_instance", "type_name"]


def type_name(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is None:
        return getattr(tp, "__name__", repr(tp))
    args = ", ".join(type_name(a) for a in get_args(tp))
    return f"{getattr(origin, '__name__', repr(origin))}[{args}]"


def is_instance(value: Any, tp: Any) -> bool:
    origin = get_origin(tp)
    if origin is None:
        return tp is Any or isinstance(value, tp)
    if origin is Union:
        return any(is_instance(value, a) for a in get_args(tp))
    if origin in (list, set, frozenset):
        (inner,) = get_args(tp) or (Any,)
        return isinstance(value, origin) and all(is_instance(v, inner) for v in value)
    if origin is dict:
        k, v = get_args(tp) or (Any, Any)
        return isinstance(value, dict) and all(is_instance(a, k) and is_instance(b, v) for a, b in value.items())
    return isinstance(value, origin)
