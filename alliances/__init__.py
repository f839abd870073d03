"""Course package for *Alliances and Diplomacy*: data loading, models, widgets, checks and grading.

Notebooks import from here so that every chapter shares one loader, one check API and one
widget pattern. Submodules are imported lazily by their users to keep start-up fast.
"""

__version__ = "0.1.0"
