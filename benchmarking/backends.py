"""The login backend: Django's ModelBackend, reading a logged-in user's profile (their
enterprise or branch office) with the user, so a page asks one query less about who is there;
with a shared cache, the user, profile and role come from it (benchmarking.user_cache)."""

from django.contrib.auth.backends import ModelBackend

from .user_cache import cached_user


class ProfileLoadingModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = cached_user(user_id)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None
