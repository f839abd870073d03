"""Widgets: thin ipywidgets views over the course's models. One pattern, :class:`ModelView`."""

from alliances.widgets.base import ModelView, StaticFigure

__all__ = ["ModelView", "StaticFigure"]
