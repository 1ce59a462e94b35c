"""Names vulture reports as unused that are used by something it cannot see (read by vulture, never run).

Each line names why: a parameter an interface requires, or one that is part of a cache key.
"""

environment  # jinja2.BaseLoader.get_source(environment, template): the loaders' signature  # noqa: B018, F821
mtime_ns  # render/html.py `_woff_data_url`: part of functools.cache's key, so a changed font is read again  # noqa: B018, F821
