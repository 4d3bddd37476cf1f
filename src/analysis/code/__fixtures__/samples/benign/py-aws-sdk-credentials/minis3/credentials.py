"""Credential resolution in the order the AWS SDKs use: environment, shared credentials file, config file."""
import configparser
import os
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str
    token: Optional[str] = None


def _profile() -> str:
    return os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE") or "default"


def from_env() -> Optional[Credentials]:
    key = os.environ.get("AWS_ACCESS_KEY_ID")
    secret = os.environ.get("AWS_SECRET_ACCESS_KEY")
    if key and secret:
        return Credentials(key, secret, os.environ.get("AWS_SESSION_TOKEN"))
    return None


def from_shared_file() -> Optional[Credentials]:
    path = os.environ.get("AWS_SHARED_CREDENTIALS_FILE", os.path.expanduser("~/.aws/credentials"))
    parser = configparser.RawConfigParser()
    if not parser.read(path):
        return None
    section = _profile()
    if not parser.has_section(section):
        return None
    get = lambda name: parser.get(section, name, fallback=None)  # noqa: E731
    if get("aws_access_key_id") and get("aws_secret_access_key"):
        return Credentials(get("aws_access_key_id"), get("aws_secret_access_key"), get("aws_session_token"))
    return None


def resolve() -> Credentials:
    creds = from_env() or from_shared_file()
    if creds is None:
        raise RuntimeError("no AWS credentials found (environment or ~/.aws/credentials)")
    return creds
