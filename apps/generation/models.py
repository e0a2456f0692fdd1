"""Models of the AI features live in their subpackages; Django finds them through this module."""
from apps.generation.storyboards.models import *  # noqa: F401,F403
from apps.generation.orders.models import *  # noqa: F401,F403
