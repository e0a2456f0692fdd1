"""Clips: a frame range of a media asset rendered into its own MP4 by a job."""
