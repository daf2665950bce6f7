"""/api/v1/enterprise/: to be written."""

urlpatterns = []
