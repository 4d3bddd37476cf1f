"""taskrun: define tasks in tasks.py, run them locally, over SSH or in containers."""
__version__ = "1.9.0"


def task(fn):
    fn.is_task = True
    return fn
