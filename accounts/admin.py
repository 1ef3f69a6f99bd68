"""Admin for members: search by e-mail; roles through the role services; deletion through account_delete."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.services import account_delete, role_grant, role_revoke


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


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = MemberChangeForm
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

    def save_related(self, request, form, formsets, change):
        """Roles change through role_grant and role_revoke, so each change is checked and audited."""
        super().save_related(request, form, formsets, change)
        if "roles" not in form.cleaned_data:
            return
        member, wanted = form.instance, set(form.cleaned_data["roles"])
        for role in Role:
            if role.value in wanted and role.value not in member.role_names:
                role_grant(actor=request.user, user=member, role=role)
            elif role.value not in wanted and role.value in member.role_names:
                role_revoke(actor=request.user, user=member, role=role)

    def delete_model(self, request, obj):
        """The account deletion of the site: votes withdrawn (counts stay true), audit entry written."""
        account_delete(actor=request.user, user=obj)

    def delete_queryset(self, request, queryset):
        for member in queryset:
            self.delete_model(request, member)
