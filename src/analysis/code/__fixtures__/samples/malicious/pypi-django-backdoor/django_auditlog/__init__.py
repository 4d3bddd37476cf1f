default_app_config = "django_auditlog.apps.AuditLogConfig"
__version__ = "2.3.0"
