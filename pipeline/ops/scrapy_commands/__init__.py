"""Scrapy commands of the repository's project (``COMMANDS_MODULE`` in the crawler settings).

They replace Scrapy's ``crawl`` and ``list`` so that the commands Scrapy users try first
behave like ``citynews``: one spider per enabled source, the crawl lock, the run rows, the
one-line summary and the documented exit codes, and one line instead of a traceback for a
broken sources file.
"""
