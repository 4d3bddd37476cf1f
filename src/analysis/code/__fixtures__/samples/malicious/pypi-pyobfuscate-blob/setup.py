from setuptools import setup

setup(
    name="pygradient",
    version="0.9.3",
    description="Gradient text for terminals",
    packages=["pygradient"],
)
