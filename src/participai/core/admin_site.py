"""The Django admin, for superusers only.

Staff of public bodies work in the workspace, under the access rules; the
admin bypasses those rules, so only the people who run the installation get it.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class SuperuserAdminSite(AdminSite):
    site_header = "ParticipAI administration"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)


class SuperuserAdminConfig(AdminConfig):
    default_site = "participai.core.admin_site.SuperuserAdminSite"
