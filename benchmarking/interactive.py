"""Every request is a person acting now: the moves they make are stamped with the time they
happen (``services.errors.move_moment``; docs/domain.md, "Dates that do not rewrite the past")."""

from .services.errors import interactive_moves


class InteractiveMovesMiddleware:
    """Serves each request inside ``interactive_moves()``: a service asked, during a request, to
    date a move in the past refuses, whichever view, admin page or action asked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with interactive_moves():
            return self.get_response(request)
