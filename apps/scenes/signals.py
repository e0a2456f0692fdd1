"""Signals the scenes app sends, for the apps that build on scenes (Django's `django.dispatch.Signal`).

`scene_deleting`: sent by `apps.scenes.services.scene_delete` inside its transaction, before the scene
and its shots and takes are deleted; keyword arguments `scene` (the `Scene`) and `actor` (the user).
A receiver takes away, with its own events, what refers to the scene (the stripboard: its strips).
Sent with `send`, not `send_robust`: a receiver's exception aborts the whole delete.
"""
from django.dispatch import Signal

scene_deleting = Signal()
