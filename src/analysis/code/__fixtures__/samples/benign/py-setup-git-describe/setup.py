import os
import re
import subprocess
import sys

from setuptools import find_packages, setup

HERE = os.path.abspath(os.path.dirname(__file__))


def read(*parts):
    with open(os.path.join(HERE, *parts), encoding="utf-8") as fh:
        return fh.read()


def git_version():
    """The version from `git describe`, PEP 440-ised; falls back to the last release in a source tarball."""
    try:
        out = subprocess.check_output(
            ["git", "describe", "--tags", "--dirty", "--always"],
            cwd=HERE,
            stderr=subprocess.DEVNULL,
        ).decode().strip()
    except (OSError, subprocess.CalledProcessError):
        about = {}
        exec(read("src", "tidyconf", "__about__.py"), about)
        return about["__version__"]
    m = re.match(r"v?(\d+\.\d+\.\d+)(?:-(\d+)-g([0-9a-f]+))?(-dirty)?$", out)
    if not m:
        return "0.0.0"
    version = m.group(1)
    if m.group(2):
        version += f".dev{m.group(2)}+g{m.group(3)}"
    return version


if sys.version_info < (3, 8):
    sys.exit("tidyconf requires Python 3.8 or later")

setup(
    name="tidyconf",
    version=git_version(),
    description="Layered configuration files with schema validation",
    long_description=read("README.md"),
    long_description_content_type="text/markdown",
    author="Tidyconf developers",
    url="https://github.com/tidyconf/tidyconf",
    package_dir={"": "src"},
    packages=find_packages("src"),
    install_requires=["pyyaml>=5.4", "jsonschema>=4"],
    entry_points={"console_scripts": ["tidyconf=tidyconf.cli:main"]},
    python_requires=">=3.8",
    classifiers=["Programming Language :: Python :: 3", "License :: OSI Approved :: MIT License"],
)
