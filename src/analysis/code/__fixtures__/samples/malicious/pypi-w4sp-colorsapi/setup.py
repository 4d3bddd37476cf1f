from setuptools import setup, find_packages

with open("README.md", encoding="utf-8") as fh:
    long_description = fh.read()

setup(
    name="colorsapi",
    version="1.0.4",
    author="Serafin",
    description="Colours for your terminal output",
    long_description=long_description,
    long_description_content_type="text/markdown",
    packages=find_packages(),
    install_requires=["fernet", "requests", "pycryptodome"],
    python_requires=">=3.6",
)
