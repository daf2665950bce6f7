"""The login backend: Django's ModelBackend, reading a logged-in user's profile (their
enterprise or branch office) with the user, so a page asks one query less about who is there;
with a shared cache, the user, profile and role come from it (benchmarking.user_cache)."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from .access import ROLE_GROUP_NAMES, works_in_a_county
from .choices import Role
from .user_cache import cached_user


class ProfileLoadingModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = cached_user(user_id)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None

    def _get_group_permissions(self, user_obj):
        # Above a county, bureau staff read as managers do and change nothing (access.works_in_a_county):
        # the admin's own permission checks then agree with the scope rule, whatever their group grants.
        if not works_in_a_county(user_obj):
            return Permission.objects.filter(group__name=ROLE_GROUP_NAMES[Role.MANAGER])
        return super()._get_group_permissions(user_obj)
