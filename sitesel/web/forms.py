"""Forms of the planner pages. Validation errors are attached to the field they concern."""

from __future__ import annotations

from django import forms

from sitesel.models import Scenario, ScoringRun


class ScoringRunForm(forms.Form):
    scenario = forms.ModelChoiceField(queryset=Scenario.objects.order_by("name"), empty_label=None)
    mode = forms.ChoiceField(choices=ScoringRun.Mode.choices, initial=ScoringRun.Mode.SITES)
    cell_size_km = forms.FloatField(
        required=False, min_value=1, max_value=100, label="Cell size (km)", help_text="National screen only: 1–100 km."
    )
    state = forms.CharField(
        required=False, max_length=2, label="State filter", help_text="Sites mode only: two-letter code, e.g. PA."
    )
    seed = forms.IntegerField(required=False, min_value=0, max_value=2**31 - 1, initial=0)

    def clean_state(self) -> str:
        state = self.cleaned_data["state"].strip().upper()
        if state and not state.isalpha():
            raise forms.ValidationError("Use a two-letter state code.")
        return state

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode == ScoringRun.Mode.NATIONAL and data.get("cell_size_km") is None and "cell_size_km" not in self.errors:
            self.add_error("cell_size_km", "The national screen needs a cell size (1–100 km).")
        if mode == ScoringRun.Mode.SITES and data.get("cell_size_km") is not None:
            self.add_error("cell_size_km", "A cell size applies to the national screen only.")
        if mode == ScoringRun.Mode.NATIONAL and data.get("state"):
            self.add_error("state", "The state filter applies to candidate sites only.")
        return data
