from setuptools import setup, find_packages

setup(
    name="sysmond",
    version="0.3.1",
    description="Lightweight system monitor for Python services",
    packages=find_packages(),
)
