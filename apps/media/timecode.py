"""SMPTE timecode for the media pipeline: the functions live in `apps.core.timecode` (scenes' take log uses them too)."""
from apps.core.timecode import format_timecode, is_drop_frame_rate, nominal_fps, parse_timecode, start_timecode_from_probe

__all__ = ["parse_timecode", "format_timecode", "nominal_fps", "is_drop_frame_rate", "start_timecode_from_probe"]
