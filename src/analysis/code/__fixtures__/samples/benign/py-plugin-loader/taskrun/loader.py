"""Finding and loading backends, plugins and the user's tasks file."""
import importlib
import os
import sys
from importlib.metadata import entry_points

BACKENDS = ("local", "ssh", "docker")


def load_backend(name: str):
    """``taskrun.backends.<name>.Backend``, the way Django loads database backends."""
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; expected one of {', '.join(BACKENDS)}")
    module = importlib.import_module(f".backends.{name}", __package__)
    return getattr(module, "Backend")


def import_string(dotted_path: str):
    """Import a dotted module path and return the attribute named by the last component."""
    module_path, _, attr = dotted_path.rpartition(".")
    module = importlib.import_module(module_path)
    try:
        return getattr(module, attr)
    except AttributeError as exc:
        raise ImportError(f"{module_path} does not define {attr}") from exc


def load_plugins(group: str = "taskrun.plugins"):
    plugins = {}
    for ep in entry_points(group=group):
        plugins[ep.name] = ep.load()
    for name in os.environ.get("TASKRUN_PLUGINS", "").split(","):
        if name:
            plugins[name] = __import__(name, fromlist=["setup"]).setup
    return plugins


def load_tasks(path: str = "tasks.py") -> dict:
    """Run the project's tasks file, like invoke and fabric do, and return the functions it defines."""
    namespace = {"__file__": os.path.abspath(path), "__name__": "tasks"}
    with open(path, encoding="utf-8") as fh:
        code = compile(fh.read(), path, "exec")
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        exec(code, namespace)
    finally:
        sys.path.pop(0)
    return {k: v for k, v in namespace.items() if callable(v) and getattr(v, "is_task", False)}
