"""The open API, /api/v1/: Django REST framework views over the same selectors, filter sets,
scoping and services as the pages, never a second copy of their rules.

- ``public``: published results and figures, for anyone, no token.
- ``staff``: the lists and progress, for staff, by token, scoped as their pages.
- ``enterprise``: an enterprise's own declarations, by token, through the portal's services.

Tokens (``authentication``), limits (``throttling``), errors in Chinese (``errors``) and the
OpenAPI schema's shared parts (``schema``) are the same for all three.
"""
