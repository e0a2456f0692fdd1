"""Job handlers of the AI features (djhuey and apps.jobs discover this module)."""
from apps.generation.orders import tasks as _order_tasks  # noqa: F401
from apps.generation.storyboards import tasks as _storyboard_tasks  # noqa: F401
from apps.generation.writing import tasks as _writing_tasks  # noqa: F401
