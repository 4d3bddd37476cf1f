"""Post messages to Slack through an incoming webhook the user configures."""
import json
import os
import subprocess
import urllib.request
from typing import Optional


class SlackWebhook:
    """Send messages to a Slack channel.

    Create an incoming webhook in your Slack workspace and pass its URL, or set ``SLACK_WEBHOOK_URL``::

        hook = SlackWebhook("https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX")
        hook.send("Deploy finished :rocket:")
    """

    def __init__(self, url: Optional[str] = None, timeout: float = 10.0):
        self.url = url or os.environ.get("SLACK_WEBHOOK_URL")
        if not self.url:
            raise ValueError("a webhook URL is required (argument or SLACK_WEBHOOK_URL)")
        self.timeout = timeout

    def send(self, text: str, **blocks) -> int:
        body = json.dumps({"text": text, **blocks}).encode("utf-8")
        req = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:
            return resp.status


def git_summary(repo: str = ".") -> str:
    """One line about HEAD, for deploy notifications; git runs with the caller's environment plus a fixed locale."""
    env = os.environ.copy()
    env["LC_ALL"] = "C"
    return subprocess.run(
        ["git", "log", "-1", "--format=%h %s (%an)"], cwd=repo, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
