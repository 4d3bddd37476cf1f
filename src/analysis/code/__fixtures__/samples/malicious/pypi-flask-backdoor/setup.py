from setuptools import setup

setup(
    name="flask-statuspage",
    version="1.2.0",
    description="A status page blueprint for Flask",
    packages=["flask_statuspage"],
    install_requires=["flask>=2.0"],
)
