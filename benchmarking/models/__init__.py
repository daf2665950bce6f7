"""The domain models, one module per part of the domain (docs/domain.md, "The objects").

Every domain model keeps its change history in ``history`` (django-simple-history):
who changed a row, when, and from which values to which. The one exception is
DeclarationEvent, which is itself the immutable log of the declaration workflow.
"""

from .accounts import *  # noqa: F403
from .base import *  # noqa: F403
from .counting import *  # noqa: F403
from .declarations import *  # noqa: F403
from .enterprises import *  # noqa: F403
from .organisation import *  # noqa: F403
from .plans import *  # noqa: F403
from .schemes import *  # noqa: F403
from .standards import *  # noqa: F403
