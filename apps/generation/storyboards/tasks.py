"""Storyboard job handlers: `ai.storyboard` (apps.generation.storyboards.generate), found by apps.jobs through apps.generation.tasks."""
from apps.generation.storyboards.generate import storyboard_generate
from apps.generation.storyboards.services import STORYBOARD_KIND
from apps.jobs.services import job_handler

job_handler(STORYBOARD_KIND)(storyboard_generate)
