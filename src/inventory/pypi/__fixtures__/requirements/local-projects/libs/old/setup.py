from setuptools import setup

setup(
    name="acme.old",
    version="0.1",
)
