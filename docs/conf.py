"""Sphinx configuration for the dexcore documentation."""

from __future__ import annotations

import dexcore

project = "dexcore"
author = "dexcore maintainers"
copyright = "2026, the dexcore maintainers"  # noqa: A001 (Sphinx's name)
release = dexcore.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_ivar = True

nitpicky = False
html_theme = "furo"
html_title = f"dexcore {release}"
exclude_patterns = ["_build"]
