"""Admin for members: search by e-mail; roles and admin flags through the account services (checked
and audited); passwords through password_change; deletion through account_delete. Groups are not
edited here: a role is a group, and renaming or deleting one would change everyone's role without a
record."""

from allauth.core import context as allauth_context
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserChangeForm
from django.contrib.auth.models import Group
from django.db import router
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.services import (
    ADMIN_FLAGS,
    account_delete,
    member_flags_update,
    password_change,
    role_grant,
    role_revoke,
)
from core.errors import DomainError
from core.member_data import erased_models

admin.site.unregister(Group)


class MemberChangeForm(UserChangeForm):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta(UserChangeForm.Meta):
        model = User
        fields = ["email", "password", "display_name", "is_active", "is_staff", "is_superuser"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = sorted(self.instance.role_names & set(Role.values))


class MemberPasswordForm(AdminPasswordChangeForm):
    """The admin's "set password" goes through password_change: the member's tokens and sessions end, and
    the admin who did it (the request allauth's middleware keeps) is in the audit trail."""

    def save(self, commit=True):
        usable = self.cleaned_data.get("set_usable_password", True)
        password = self.cleaned_data["password1"] if usable else None
        password_change(user=self.user, password=password, actor=allauth_context.request.user)
        return self.user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = MemberChangeForm
    change_password_form = MemberPasswordForm
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "roles"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def get_fieldsets(self, request, obj=None):
        """Only admins (superusers) see and change roles and flags: the services refuse anyone else."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "roles"]}) for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        # The display name is the member's own, changed through profile_update (its staff-name rules);
        # the admin shows it but never writes it around that service.
        readonly = [*super().get_readonly_fields(request, obj), "display_name"]
        if obj is not None and not request.user.is_superuser:
            readonly += list(ADMIN_FLAGS)
        return readonly

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        """Votes protect a member from a plain delete, but the account deletion withdraws them
        first (the member-data registry): they do not block it here."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            collector = NestedObjects(using=router.db_for_write(User))
            collector.collect(objs)
            if all(obj._meta.label in erased_models() for obj in collector.protected):
                protected = []
        return deleted, counts, perms_needed, protected

    def save_model(self, request, obj, form, change):
        """Flags change through member_flags_update (checked and audited); the rest saves as usual."""
        flags = {name: form.cleaned_data[name] for name in ADMIN_FLAGS if name in form.changed_data}
        if change:
            for name in flags:
                setattr(obj, name, form.initial[name])
        super().save_model(request, obj, form, change)
        if change and flags:
            self._run(request, member_flags_update, actor=request.user, user=obj, **flags)

    def save_related(self, request, form, formsets, change):
        """Roles change through role_grant and role_revoke, so each change is checked and audited."""
        super().save_related(request, form, formsets, change)
        if "roles" not in form.cleaned_data:
            return
        member, wanted = form.instance, set(form.cleaned_data["roles"])
        for role in Role:
            if role.value in wanted and role.value not in member.role_names:
                self._run(request, role_grant, actor=request.user, user=member, role=role)
            elif role.value not in wanted and role.value in member.role_names:
                self._run(request, role_revoke, actor=request.user, user=member, role=role)

    def delete_model(self, request, obj):
        """The account deletion of the site: votes withdrawn (counts stay true), audit entry written."""
        self._run(request, account_delete, actor=request.user, user=obj)

    def delete_queryset(self, request, queryset):
        for member in queryset:
            self.delete_model(request, member)

    def _run(self, request, service, **arguments):
        """A refusal from a service is a message on the admin page, never a server error."""
        try:
            service(**arguments)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
