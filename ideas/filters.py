"""The filters of idea lists, shared by the list page and the API so both accept the same URLs.

Sort, cursor and page size are not filters: selectors.list_params reads them for both.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ideas.models import Status
from ideas.selectors import categories_in_order, search_words


class CategoryField(forms.ModelChoiceField):
    """A category by its slug (what links and the page's menu use) or by its id (what the API takes on
    submit). The slug wins: a category named "2026" keeps its own slug even if another has id 2026."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip()
        if "\x00" in value:  # PostgreSQL cannot compare a NUL in text: no category has one
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        found = self.queryset.filter(slug=value).first()
        if found is None and value.isdigit() and len(value) < 19:
            found = self.queryset.filter(pk=int(value)).first()
        if found is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found


class CategoryFilter(django_filters.ModelChoiceFilter):
    field_class = CategoryField


class IdeaFilter(django_filters.FilterSet):
    category = CategoryFilter(
        label=_("Category"),
        queryset=categories_in_order(),
        to_field_name="slug",
        method="filter_category",
        empty_label=_("All categories"),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices, empty_label=_("Any status"))
    q = django_filters.CharFilter(label=_("Search"), method="filter_words", max_length=200)

    def filter_category(self, queryset, name, category):
        """A category includes its subcategories (IdeaQuerySet.in_category, as the roadmap and triage do)."""
        return queryset.in_category(category)

    def filter_words(self, queryset, name, text):
        """Every word must appear in the title or the description."""
        for word in search_words(text):
            queryset = queryset.filter(Q(title__icontains=word) | Q(body__icontains=word))
        return queryset
