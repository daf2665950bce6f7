"""Admin data entry for bureau staff, one module per part of the domain.

Workflow moves are admin actions that call the services; no admin form ever
edits a status field (they are not editable).
"""

from . import (  # noqa: F401
    accounts,
    api_tokens,
    declarations,
    enterprises,
    organisation,
    others,
    plans,
    quality,
    regions,
    schemes,
    standards,
)
