"""shipit: push a release to your servers over SSH."""
from .remote import Remote

__all__ = ["Remote"]
__version__ = "0.9.4"
