"""The domain models, one module per part of the domain (shared/domain.md)."""

from .accounts import *  # noqa: F403
from .base import *  # noqa: F403
from .declarations import *  # noqa: F403
from .enterprises import *  # noqa: F403
from .organisation import *  # noqa: F403
from .plans import *  # noqa: F403
from .schemes import *  # noqa: F403
from .standards import *  # noqa: F403
