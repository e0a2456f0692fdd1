from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The top of the stack, for people rather than crews: `manage.py load_demo` (the demo production `make run`
    loads) and `manage.py bench_live` (`make bench-live`: a crew of sockets on a fresh stack). It may import every
    app; no app imports it."""

    name = "apps.demo"
    label = "demo"
