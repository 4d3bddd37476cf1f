from django.apps import AppConfig


class AuditLogConfig(AppConfig):
    name = "django_auditlog"
    verbose_name = "Audit log"
