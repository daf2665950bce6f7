"""The domain models, one module per part of the domain (docs/domain.md, "The objects").

Every domain model keeps its change history in ``history`` (django-simple-history):
who changed a row, when, and from which values to which. The exceptions are
DeclarationEvent and AddressLimitLift, which are themselves immutable logs (of the declaration
workflow, of lifted login limits), JobWorker, the background workers' roll call, ExportJob, an export a worker builds, and Digest, a reminder sent.
"""

from .accounts import *  # noqa: F403
from .api_tokens import *  # noqa: F403
from .base import *  # noqa: F403
from .counting import *  # noqa: F403
from .declarations import *  # noqa: F403
from .enterprises import *  # noqa: F403
from .exports import *  # noqa: F403
from .jobs import *  # noqa: F403
from .logins import *  # noqa: F403
from .organisation import *  # noqa: F403
from .plans import *  # noqa: F403
from .quality import *  # noqa: F403
from .regions import *  # noqa: F403
from .reminders import *  # noqa: F403
from .schemes import *  # noqa: F403
from .standards import *  # noqa: F403
