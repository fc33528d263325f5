"""Copy each child's portage "All about me" paperwork (FamilyPaperwork) into the first version
of the child's new "All about me" record (issue 22), as completed with the family and assisted
by the portage worker who recorded it. The paperwork's consent part is not copied here (it moves
to the consent records); FamilyPaperwork itself is removed by a later migration that depends on
this one."""

from django.db import migrations


def copy_paperwork(apps, schema_editor):
    FamilyPaperwork = apps.get_model("pathway", "FamilyPaperwork")
    AllAboutMe = apps.get_model("pathway", "AllAboutMe")
    already = set(AllAboutMe.objects.values_list("child_id", flat=True))
    AllAboutMe.objects.bulk_create(
        AllAboutMe(
            child_id=paper.child_id,
            version=1,
            what_people_like_about_me=paper.what_people_like_about_me,
            what_is_important_to_me=paper.what_is_important_to_me,
            how_i_communicate=paper.how_i_communicate,
            what_works=paper.how_best_to_support_me,
            what_is_hard=paper.family_worries,
            hopes=paper.family_hopes,
            completed_with=paper.completed_by,
            relationship=paper.relationship,
            assisted_by_id=paper.recorded_by_id,
            written_at=paper.updated_at,
        )
        for paper in FamilyPaperwork.objects.exclude(child_id__in=already).iterator()
    )


def remove_copies(apps, schema_editor):
    """Going back: the first versions copied from paperwork go (the paperwork is still there)."""
    FamilyPaperwork = apps.get_model("pathway", "FamilyPaperwork")
    AllAboutMe = apps.get_model("pathway", "AllAboutMe")
    AllAboutMe.objects.filter(
        version=1,
        written_by_member__isnull=True,
        child_id__in=FamilyPaperwork.objects.values("child_id"),
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("pathway", "0024_family_story")]

    operations = [migrations.RunPython(copy_paperwork, remove_copies)]
