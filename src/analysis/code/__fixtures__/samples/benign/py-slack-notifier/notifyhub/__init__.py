from .slack import SlackWebhook, git_summary

__all__ = ["SlackWebhook", "git_summary"]
__version__ = "1.3.0"
