"""The areas of partnership working, which the council configures in the staff admin. An area
judged in any version is retired (not judged in new versions), never deleted, so past versions
keep it."""

from django.contrib import admin

from pathway.models import PartnershipArea, SelfEvaluationJudgement


@admin.register(PartnershipArea)
class PartnershipAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "retired"]
    list_editable = ["position", "retired"]
    list_filter = ["retired"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not SelfEvaluationJudgement.objects.filter(area=obj).exists()
