"""/api/v1/staff/: to be written."""

urlpatterns = []
