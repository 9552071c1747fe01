"""The partner pages: the workbench at the site's root, the partner list and 360° page, the
chain-leader portal."""

from django.urls import path

from partners.views import dashboard, directory, portal, workbench

urlpatterns = [
    path("", workbench.home, name="home"),
    path("contacts/log/", workbench.log_contact, name="log_contact"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("portal/", portal.portal, name="portal"),
    path("portal/profile/", portal.portal_profile, name="portal_profile"),
    path("portal/requests/", portal.portal_request_raise, name="portal_request_raise"),
    path("portal/requests/<int:pk>/rate/", portal.portal_request_rate, name="portal_request_rate"),
]

partner_patterns = [
    path("", directory.partner_list, name="list"),
    path("pick/", workbench.pick_partner, name="pick"),
    path("<int:pk>/", directory.partner_detail, name="detail"),
    path("<int:pk>/edit/", directory.partner_edit, name="edit"),
]
