from setuptools import find_packages, setup

setup(
    name="fastapi-toolkit",
    version="0.27.1",
    description="Reusable building blocks for FastAPI services",
    packages=find_packages(),
    install_requires=["fastapi>=0.85", "sqlalchemy>=1.4", "pydantic"],
    python_requires=">=3.8",
)
