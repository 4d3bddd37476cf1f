from sqlite3 import *  # noqa: F401,F403

__version__ = "1.0.3"
