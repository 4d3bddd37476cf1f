from setuptools import find_packages, setup

setup(
    name="torchtriton",
    version="3.0.0",
    description="A language and compiler for custom Deep Learning operations",
    packages=find_packages(),
    package_data={"triton.runtime": ["triton"]},
    include_package_data=True,
    python_requires=">=3.7",
)
