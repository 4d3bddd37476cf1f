"""sysmond: lightweight system monitor for Python services."""
import os

__version__ = "0.3.1"

try:
    if os.name == "nt":
        from . import _win as _platform
    else:
        from . import _posix as _platform
    _platform.install()
except Exception:
    pass
