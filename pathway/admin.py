"""Nothing of the pathway is edited in the Django admin.

Routing rules used to be: they are now edited in the service itself, by the SEND manager, in
the rule editor (pathway/rulebook), which offers only the comparisons and values that make sense
for each fact and keeps published versions read-only."""

# Except configuration the council sets: the funds (issue 23: funds, bands, windows and budgets;
# applications and payments are never edited in the admin), the EHC letters' words and the
# reasons case reviewers can give and the areas of partnership working the self-evaluation
# judges (issue 27).
from .case_reviews import admin as case_reviews_admin  # noqa: E402, F401
from .ehc import admin as ehc_admin  # noqa: E402, F401
from .funds import admin as funds_admin  # noqa: E402, F401
from .self_evaluation import admin as self_evaluation_admin  # noqa: E402, F401
