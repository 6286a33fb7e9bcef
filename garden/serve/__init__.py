"""`garden serve`: the site over HTTP, rebuilt as the garden changes, open pages reloaded.

`rebuild.py` is the one way it builds, `builder.py` decides what to build when (code in the
background), `feed.py` tells open pages what changed, `http.py` serves the site and the change
events, `watch.py` watches the garden's inputs, `console.py` says what happened, and
`session.py` puts them together.
"""
