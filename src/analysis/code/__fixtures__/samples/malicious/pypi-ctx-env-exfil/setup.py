from setuptools import setup

with open("README.md") as f:
    readme = f.read()

setup(
    name="ctx",
    version="0.2.6",
    description="A minimal Python dictionary wrapper that allows attribute access",
    long_description=readme,
    long_description_content_type="text/markdown",
    py_modules=["ctx"],
    install_requires=["requests"],
    license="MIT",
)
