from django.apps import AppConfig


class JobsConfig(AppConfig):
    """The jobs app: background jobs run by Huey workers, with progress, cancellation and reaping."""

    name = "apps.jobs"
    label = "jobs"

    def ready(self) -> None:
        """Register the job entity's serializer for events, the readiness check `worker` and the gauges `/metrics`
        reads at scrape (`apps.jobs.metrics`), and import every app's `tasks.py`, so its job handlers are
        registered in this process."""
        # Job handlers register themselves in each app's tasks.py; run_huey imports those modules,
        # and so must every other process that may run a job (tests in immediate mode, the shell).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")

        from apps.realtime.events import register_serializer
        from apps.jobs.serializers import JobSerializer

        register_serializer("job", JobSerializer)

        from apps.core.readiness import register_check
        from apps.jobs.heartbeat import worker_check

        register_check("worker", worker_check)  # /api/ready/: a worker's heartbeat seen lately

        from apps.jobs import metrics

        metrics.register()  # /metrics: slate_jobs_queue_depth and slate_worker_heartbeat_timestamp_seconds, read at scrape
