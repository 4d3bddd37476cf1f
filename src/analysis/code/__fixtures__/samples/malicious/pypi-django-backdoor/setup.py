from setuptools import find_packages, setup

setup(
    name="django-auditlog-pro",
    version="2.3.0",
    description="Audit log for Django models",
    packages=find_packages(),
    install_requires=["Django>=3.2"],
)
