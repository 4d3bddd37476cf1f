"""Decoding helpers: JWT payloads (without verification), data: URIs, compressed blobs, the default icon."""
import base64
import binascii
import codecs
import json
import zlib
from typing import Any, Dict, Tuple

DEFAULT_ICON_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAwAAAAMCAYAAABWdVznAAACV0lEQVR42gFMArP9n0G9W8uw8de9puyHB9d3xvE/pg3mKBxfeN4/YYsakj8DuzdoRy7q3sRjKMPMEiOennEgIQD43wE1xjf1+yrfKkpQ9jKK4K2gNC7w97Ay9/fkYkwFXGoq7yVDEFRN0ZqWAJittVYQT1rRTnuyUC97eLQtDkH58AXzv1vYZwSMyWtdYJTXAnMLtS6f9PQyHsE+7dHxdliDWuSGQMZ2G5a/x8xe3EsJbvL6FzVXg5xc6yVXRuyzixdPr1FOLcwUoCa4sE//eym4DBT8mYjsZwg8vZhY00B0pmslDvrqowjNflXWNSH7u5DzIaHlyWkbK29fJg/Ya0skdOz/ntor+YV09XywulF6Rkp4Z+YlHGDS/Yj1LaDvf95WLhZ9RYPIjN6AXBDJy8ZbsZapCMJOXY+0q0fVfEPF+7C3S/TyV6YtlNoCeYzGQFOrRnZJ0YClrMxbWUakWLzw1GhZ7Ncs3t2wc/ld9FWEJIf6KjLWXO/aekixFLirumorncfvlISq72tNn43G3aNFuP4HMiiWcJ+mLjjCry6htwr8ePo5Kg3kIhxR9y57MYwJandZYamcEpc0PLfnXwBZZ/NH22jdHbDUjF/2CYydTRhLi4NW85RL9VrRIWto0JCkiV53JCiYYZB69TL3IpsXWdLkqQBhG1OQ6p2KJFOh4OSQYG1u+jl+Snr4tWFi9trpKJiYQr37TX9AagVR8ftOfe1JJHoGH6if9XE+SwrIItNkA3qIj0Y+73nICT59RNgnuP1JS36b/nmEpd2a4b7lHgTCIExIlrIqNEPfr5sAAAAASUVORK5CYII="
)


def _b64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def jwt_claims(token: str) -> Dict[str, Any]:
    """The claims of a JWT, unverified: for display and routing only, never for authorisation."""
    try:
        _header, payload, _sig = token.split(".")
        return json.loads(_b64url(payload))
    except (ValueError, binascii.Error) as exc:
        raise ValueError("not a JWT") from exc


def parse_data_uri(uri: str) -> Tuple[str, bytes]:
    if not uri.startswith("data:"):
        raise ValueError("not a data: URI")
    meta, _, data = uri[5:].partition(",")
    mime = meta.split(";")[0] or "text/plain"
    if meta.endswith(";base64"):
        return mime, base64.b64decode(data)
    return mime, data.encode()


def decompress_blob(blob: str) -> bytes:
    """Blobs stored by older versions: zlib, then base64."""
    return zlib.decompress(base64.b64decode(blob))


def default_icon() -> bytes:
    return base64.b64decode(DEFAULT_ICON_PNG)


def hex_to_bytes(value: str) -> bytes:
    return bytes.fromhex(value.replace(":", ""))


def spoiler(text: str) -> str:
    """Forum-style spoiler: rot13, reversible by the reader."""
    return codecs.encode(text, "rot13")
