from setuptools import setup

setup(
    name="reqeusts",
    version="2.28.2",
    description="Python HTTP for Humans.",
    author="Kenneth Reitz",
    packages=["reqeusts"],
    python_requires=">=3.7",
)
