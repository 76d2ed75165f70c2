"""The base of every contract model: field docstrings become schema descriptions."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Contract(BaseModel):
    """A boundary model; the docstring under each field is its description in JSON schema
    (OpenAPI, MCP tool schemas)."""

    model_config = ConfigDict(use_attribute_docstrings=True)
