"""How a person's name reads: surname first, then the given name, with no space — 应立新.

Django's ``User.get_full_name`` joins ``first_name`` (the given name, 立新) and ``last_name``
(the surname, 应) the Western way, "立新 应". Every page, mail, export and admin column that
names a person goes through ``full_name`` here instead (the ``person`` template filter in
``templatetags/people.py`` for templates), so the order is decided in one place.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def chinese_name(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """Surname then given name, no space between: 应立新; "" when neither is recorded.

    An account created with one name field (an enterprise login keeps the whole name in
    ``first_name``) reads as that one field."""
    if user is None:
        return ""
    surname = (getattr(user, "last_name", "") or "").strip()
    given = (getattr(user, "first_name", "") or "").strip()
    return f"{surname}{given}"


def full_name(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """The name to show for ``user``: the Chinese-order name, or the username when the
    account has no name recorded; "" for no user at all."""
    if user is None:
        return ""
    return chinese_name(user) or user.get_username()
