"""What markup knows of papers: the papers app's rules, handed over once at start-up.

See the package's docstring for why a registration. ``configure`` is called by
papers.apps.PapersConfig.ready; a later call replaces the rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["PaperLinks", "configure", "is_valid_key", "paper_path"]


@dataclass(frozen=True)
class PaperLinks:
    # Whether a string can be a paper key at all. A citation of anything else is shown
    # as text and makes no address, and the old site's links to it are left alone.
    is_valid_key: Callable[[str], bool]
    # The address of a valid key's paper page (a path on this site).
    path: Callable[[str], str]


_links: PaperLinks | None = None


def configure(links: PaperLinks) -> None:
    global _links
    _links = links


def _configured() -> PaperLinks:
    if _links is None:
        raise RuntimeError(
            "markup has no paper links configured: the papers app registers them when "
            "Django starts (papers.apps), so set Django up before rendering citations "
            "or paper links."
        )
    return _links


def is_valid_key(key: str) -> bool:
    return _configured().is_valid_key(key)


def paper_path(key: str) -> str:
    """The address of the paper page of ``key``, a valid key."""
    return _configured().path(key)
