"""The build as steps over the model, incremental: `Builder` (builder.py) scans the notes folder
(scan.py), parses what changed (parsing.py, parse_cache.py), links and runs everything, remakes
only the site files whose inputs changed (products.py lists every file of the site and how to make it; state.py
remembers what each was made from), indexes the note pages for search when one of them changed
(search_index.py) and swaps the new site in (garden/emit.py)."""
