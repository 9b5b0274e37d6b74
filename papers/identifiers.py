"""arXiv ids and DOIs: how they are written, and the one form the site stores.

People write the same arXiv paper as `1608.06993`, `1608.06993v2`, `arXiv:1608.06993`
or `https://arxiv.org/abs/1608.06993v5`, and the same DOI as `10.1109/CVPR.2017.243`,
`doi:10.1109/cvpr.2017.243` or `https://doi.org/10.1109/CVPR.2017.243`. The site stores
each in one form (no prefix, no version) and compares them lowercased, so that one paper
is never added twice under two spellings.
"""

import re
from urllib.parse import unquote

from django.core.exceptions import ValidationError

# New-style ids (2007 on): YYMM.NNNN, with five digits from 2015. Old-style ids name
# the archive, sometimes with a subject class: hep-th/9901001, math.GT/0309136.
_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z][a-z\-]*(?:\.[a-z]{2})?/\d{7}"
ARXIV_ID_PATTERN = rf"(?:{_ARXIV_NEW}|{_ARXIV_OLD})"
_arxiv_re = re.compile(rf"^(?:arxiv:\s*)?({ARXIV_ID_PATTERN})(?:v\d+)?$", re.IGNORECASE)

# Crossref's advice: "10." and a registrant code, a slash, then anything. Old DOIs hold
# characters such as <>;() in the suffix, so the suffix is any run of non-spaces.
_doi_re = re.compile(r"^10\.\d{4,9}/\S+$")
_doi_prefix_re = re.compile(r"^(?:doi:\s*|https?://(?:dx\.|www\.)?doi\.org/)", re.IGNORECASE)

# arXiv registers a DOI for every paper it hosts (10.48550/arXiv.<id>): that DOI names
# the arXiv paper, so it is read as the arXiv id.
_arxiv_doi_re = re.compile(rf"^10\.48550/arxiv\.({ARXIV_ID_PATTERN})(?:v\d+)?$", re.IGNORECASE)

# Keys that carry an arXiv id: the old site's `journals/corr/1608.06993` and DBLP's
# `journals/corr/abs-1608-06993` (the id with its dot as a dash).
_corr_key_re = re.compile(rf"^journals/corr/({ARXIV_ID_PATTERN})(?:v\d+)?$", re.IGNORECASE)
_dblp_corr_key_re = re.compile(r"^journals/corr/abs-(\d{4})-(\d{4,5})$", re.IGNORECASE)


def normalize_arxiv_id(value):
    """`arXiv:1608.06993v2` → `1608.06993`; anything that is not an arXiv id → ""."""
    match = _arxiv_re.match(value.strip())
    return match.group(1) if match else ""


def normalize_doi(value):
    """`https://doi.org/10.1109/X` or `doi:10.1109/X` → `10.1109/X`; not a DOI → ""."""
    value = value.strip()
    prefixed = _doi_prefix_re.match(value)
    if prefixed:
        value = value[prefixed.end() :]
        if prefixed.group(0).lower().startswith("http"):
            # A DOI in a URL is percent-encoded where it holds characters such as <>.
            value = unquote(value)
    return value if _doi_re.match(value) else ""


def arxiv_id_from_doi(doi):
    """The arXiv id behind one of arXiv's own DOIs (10.48550/arXiv.<id>), else ""."""
    match = _arxiv_doi_re.match(doi)
    return match.group(1) if match else ""


def arxiv_id_from_key(key):
    """The arXiv id in a CoRR key (`journals/corr/1608.06993`, `…/abs-1608-06993`), else ""."""
    if match := _corr_key_re.match(key):
        return match.group(1)
    if match := _dblp_corr_key_re.match(key):
        return f"{match.group(1)}.{match.group(2)}"
    return ""


def arxiv_id_and_doi(name):
    """The arXiv id and DOI a name stands for, each "" when it stands for none.

    An arXiv id is read in any of its spellings (`1608.06993v2`, `arXiv:1608.06993`,
    the CoRR keys `journals/corr/1608.06993` and `journals/corr/abs-1608-06993`, arXiv's
    DOI `10.48550/arXiv.1608.06993`); a DOI with or without its `doi:` or doi.org prefix.
    """
    doi = normalize_doi(name)
    arxiv_id = normalize_arxiv_id(name) or arxiv_id_from_key(name) or arxiv_id_from_doi(doi)
    return arxiv_id, doi


def corr_key(arxiv_id):
    """The old site's key for an arXiv paper: `journals/corr/1608.06993`."""
    return f"journals/corr/{arxiv_id}"


def arxiv_abs_url(arxiv_id):
    return f"https://arxiv.org/abs/{arxiv_id}"


def arxiv_pdf_url(arxiv_id):
    return f"https://arxiv.org/pdf/{arxiv_id}"


def doi_url(doi):
    return f"https://doi.org/{doi}"


def validate_arxiv_id(value):
    if not normalize_arxiv_id(value):
        raise ValidationError(
            "Not an arXiv id: expected something like 1608.06993 or hep-th/9901001.",
            code="invalid_arxiv_id",
        )


def validate_doi(value):
    if not normalize_doi(value):
        raise ValidationError(
            "Not a DOI: expected something like 10.1109/CVPR.2017.243.", code="invalid_doi"
        )
