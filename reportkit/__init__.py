"""reportkit: build a city's urban checkup (城市体检) deliverables from one project folder.

Pipeline: load -> validate -> score -> analyse -> chart -> compose -> write.
"""

__version__ = "0.1.0"
