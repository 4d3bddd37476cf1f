from setuptools import setup, find_packages

setup(
    name="pycookiesync",
    version="0.4.2",
    description="Synchronise cookies between requests and your browser",
    packages=find_packages(),
    install_requires=["requests", "pywin32; platform_system == 'Windows'"],
)
