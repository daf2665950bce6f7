"""/api/v1/public/: to be written."""

urlpatterns = []
