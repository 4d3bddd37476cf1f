"""Run deployment steps on remote hosts over SSH, using the user's own keys and ~/.ssh/config."""
import os
import shlex
from typing import Iterable, Optional

import paramiko

DEFAULT_KEYS = ("~/.ssh/id_ed25519", "~/.ssh/id_ecdsa", "~/.ssh/id_rsa")


def _ssh_config(host: str) -> dict:
    path = os.path.expanduser("~/.ssh/config")
    if not os.path.exists(path):
        return {}
    config = paramiko.SSHConfig.from_path(path)
    return config.lookup(host)


def _key_files(explicit: Optional[str]) -> Iterable[str]:
    if explicit:
        yield os.path.expanduser(explicit)
    for candidate in DEFAULT_KEYS:
        path = os.path.expanduser(candidate)
        if os.path.exists(path):
            yield path


class Remote:
    def __init__(self, host: str, user: Optional[str] = None, key_file: Optional[str] = None):
        cfg = _ssh_config(host)
        self.hostname = cfg.get("hostname", host)
        self.port = int(cfg.get("port", 22))
        self.user = user or cfg.get("user") or os.environ.get("USER")
        identity = (cfg.get("identityfile") or [None])[0]
        self.key_files = list(_key_files(key_file or identity))
        self.client = paramiko.SSHClient()
        self.client.load_system_host_keys()
        self.client.load_host_keys(os.path.expanduser("~/.ssh/known_hosts"))
        self.client.set_missing_host_key_policy(paramiko.RejectPolicy())

    def connect(self) -> "Remote":
        self.client.connect(
            self.hostname,
            port=self.port,
            username=self.user,
            key_filename=self.key_files or None,
            allow_agent=True,
            look_for_keys=False,
            timeout=15,
        )
        return self

    def run(self, *argv: str) -> str:
        _stdin, stdout, stderr = self.client.exec_command(shlex.join(argv))
        if stdout.channel.recv_exit_status() != 0:
            raise RuntimeError(stderr.read().decode(errors="replace"))
        return stdout.read().decode()

    def close(self) -> None:
        self.client.close()
