from setuptools import setup, find_packages

setup(
    name="dlscord-utils",
    version="2.0.1",
    description="Utilities for discord.py bots",
    packages=find_packages(),
    install_requires=["discord.py"],
)
