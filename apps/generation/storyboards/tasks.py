"""Storyboard job handlers: `ai.storyboard` (apps.generation.storyboards.generate), found by apps.jobs through apps.generation.tasks;
a failed order is retried for its missing frames only (`storyboard_retry`)."""
from apps.generation.storyboards.generate import storyboard_generate, storyboard_retry
from apps.generation.storyboards.services import STORYBOARD_KIND
from apps.jobs.services import job_handler

job_handler(STORYBOARD_KIND, on_retry=storyboard_retry)(storyboard_generate)
