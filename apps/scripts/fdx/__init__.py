"""Final Draft (.fdx), the industry's screenplay exchange format, to and from Slate's screenplay model.

    screenplay = read_fdx(data)         # a Final Draft file's bytes -> apps.scripts.fountain.Screenplay
    to_fountain(screenplay)             # then as Fountain text, which Slate keeps as a version
    to_fdx(parse(text))                 # a Fountain text as a Final Draft file (bytes)

`document` reads the XML as a stream (defusedxml; no tree, no recursion), `reader` maps Final
Draft's paragraph types to Fountain's kinds, `writer` maps them back, `markup` turns styled runs
into Fountain emphasis, `titlepage` gives Final Draft's keyless title page Fountain's keys.
"""

from .document import NotFinalDraft
from .reader import TYPE_NOTE, read_fdx
from .writer import to_fdx

__all__ = ["NotFinalDraft", "TYPE_NOTE", "read_fdx", "to_fdx"]
