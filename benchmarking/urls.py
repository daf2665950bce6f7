from django.urls import path

from .views.files import protected_file
from .views.home import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("files/<path:path>", protected_file, name="protected-file"),
]
