from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit log (issue 18): who signed in, failed to, was refused, changed a role, removed a member or exported
    a file, when and from where; owners read their production's, each user their own sign-ins."""

    name = "apps.audit"
    label = "audit"

    def ready(self) -> None:
        """Connect the receivers of Django's sign-in signals and of the sign-in throttles (`apps.audit.receivers`)."""
        from apps.audit import receivers

        receivers.connect()
