"""The logged-in user, their profile and their role, read from the shared cache.

Every logged-in page asks who is there: the user row with its profile (one query) and the
names of its groups, which give the role (another). With a shared cache (Redis, ``REDIS_URL``)
the three are kept together under the user's id, so a page asks Redis once instead of the
database twice. ``BENCHMARKING_USER_CACHE_SECONDS`` turns it on (settings: only when the cache
is shared, since a forgotten copy must be forgotten by every app server at once; each process's
own memory could not be).

A change takes effect at once: saving or deleting a user or a profile, and any change of a
user's groups (either side of the membership, a group renamed or deleted) forgets the copies
of the users concerned, right away and again after the commit, so that a request that read
the old rows while the change was being written cannot keep them. Copies also expire after
the setting's seconds (60 by default), which bounds what no signal announces (plain SQL) and a
copy a change could not forget because Redis was unreachable at that moment.
Permissions are not kept: Django's ``has_perm`` reads them from the database as before.
"""

import hashlib
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from .access import role_of


def cache_seconds() -> int:
    return int(getattr(settings, "BENCHMARKING_USER_CACHE_SECONDS", 0) or 0)


@lru_cache(maxsize=1)
def _shape() -> str:
    """The fields of the user and the profile: a deploy that changes either gets new keys,
    rather than unpickling copies made by the old code."""
    from .models import UserProfile

    fields = [f.attname for model in (get_user_model(), UserProfile) for f in model._meta.concrete_fields]
    # hashlib, not hash(): every app server must arrive at the same key.
    return hashlib.sha256(",".join(fields).encode()).hexdigest()[:8]


def cache_key(user_id) -> str:
    return f"auth-user:{_shape()}:{user_id}"


def load_user(user_id):
    """The user with their profile, from the database (None if there is none)."""
    User = get_user_model()
    try:
        return User._default_manager.select_related("profile").get(pk=user_id)
    except (User.DoesNotExist, ValueError):
        return None


def cached_user(user_id):
    """The user of ``user_id`` with their profile and role: from the shared cache, else from
    the database (and then cached). None if there is no such user."""
    seconds = cache_seconds()
    if not seconds:
        return load_user(user_id)
    key = cache_key(user_id)
    user = cache.get(key)
    if user is not None:
        return user
    user = load_user(user_id)
    if user is not None:
        role_of(user)  # kept on the instance (access.role_of), so cached with it
        cache.set(key, user, seconds)
    return user


def forget_users(user_ids) -> None:
    """Drop the cached copies of these users, now and after the current transaction commits."""
    keys = [cache_key(user_id) for user_id in user_ids if user_id is not None]
    if not keys or not cache_seconds():
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


# -- what makes a copy old ---------------------------------------------------------------------


def _user_changed(sender, instance, **kwargs) -> None:
    forget_users([instance.pk])


def _profile_changed(sender, instance, **kwargs) -> None:
    forget_users([instance.user_id])


def _group_members_changed(sender, instance, **kwargs) -> None:
    """A group renamed or about to be deleted: its members' roles may change."""
    if instance.pk is not None:
        forget_users(list(instance.user_set.values_list("pk", flat=True)))


def _membership_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not reverse:
        # user.groups.add/remove/set/clear: the instance is the user.
        if action in ("post_add", "post_remove", "post_clear"):
            forget_users([instance.pk])
    elif action == "pre_clear":
        # group.user_set.clear(): who was in it must be read before the rows go.
        forget_users(list(instance.user_set.values_list("pk", flat=True)))
    elif action in ("post_add", "post_remove"):
        forget_users(pk_set or [])


def connect_signals() -> None:
    from .models import UserProfile

    User = get_user_model()
    for signal in (post_save, post_delete):
        signal.connect(_user_changed, sender=User, dispatch_uid="benchmarking.user_cache.user")
        signal.connect(_profile_changed, sender=UserProfile, dispatch_uid="benchmarking.user_cache.profile")
    post_save.connect(_group_members_changed, sender=Group, dispatch_uid="benchmarking.user_cache.group")
    pre_delete.connect(_group_members_changed, sender=Group, dispatch_uid="benchmarking.user_cache.group")
    m2m_changed.connect(
        _membership_changed, sender=User.groups.through, dispatch_uid="benchmarking.user_cache.membership"
    )
