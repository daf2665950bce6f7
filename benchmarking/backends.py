"""The login backend: Django's ModelBackend, reading a logged-in user's profile (their
enterprise or branch office) with the user, so a page asks one query less about who is there."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ProfileLoadingModelBackend(ModelBackend):
    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("profile").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
