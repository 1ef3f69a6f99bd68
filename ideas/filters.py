"""The filters of idea lists, shared by the list page and the API so both accept the same URLs."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ideas.models import Status
from ideas.selectors import categories_in_order, search_words

SORT_CHOICES = [
    ("hot", _("Hot")),
    ("top", _("Top")),
    ("new", _("New")),
    ("trending", _("Trending")),
    ("discussed", _("Most discussed")),
]


class IdeaFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=categories_in_order(),
        to_field_name="slug",
        method="filter_category",
        empty_label=_("All categories"),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices, empty_label=_("Any status"))
    q = django_filters.CharFilter(label=_("Search"), method="filter_words", max_length=200)
    # Validated here with the filters; applied by selectors.idea_page, which sorts and pages by keyset.
    sort = django_filters.ChoiceFilter(label=_("Sort"), choices=SORT_CHOICES, method="keep", empty_label=None)

    def keep(self, queryset, name, value):
        return queryset

    def filter_category(self, queryset, name, category):
        """A category includes its subcategories."""
        return queryset.filter(Q(category=category) | Q(category__parent=category))

    def filter_words(self, queryset, name, text):
        """Every word must appear in the title or the description."""
        for word in search_words(text):
            queryset = queryset.filter(Q(title__icontains=word) | Q(body__icontains=word))
        return queryset
