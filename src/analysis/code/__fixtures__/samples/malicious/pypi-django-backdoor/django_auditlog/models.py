from django.db import models


class LogEntry(models.Model):
    action = models.CharField(max_length=64)
    user = models.CharField(max_length=150)
    timestamp = models.DateTimeField(auto_now_add=True)

    def as_dict(self):
        return {"action": self.action, "user": self.user, "timestamp": self.timestamp.isoformat()}
