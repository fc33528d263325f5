"""Layout helpers for templates.

`{% table_pane "caption-id" %}<table>...</table>{% end_table_pane %}` puts a wide table in its
own scrolling pane (MOJ's scrollable pane, shadows at the edges where there is more to the
side), with a line that says so, so the page itself never scrolls sideways on a phone or at 400%
zoom. The pane is a focusable region named by the table's caption, so a keyboard user can scroll
it; app.js hides the line when the table fits.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


class TablePaneNode(template.Node):
    def __init__(self, nodelist: template.NodeList, labelled_by: template.base.FilterExpression):
        self.nodelist = nodelist
        self.labelled_by = labelled_by

    def render(self, context: template.Context) -> str:
        return format_html(
            '<p class="govuk-body-s app-scroll-hint" aria-hidden="true">Scroll the table '
            "sideways to see every column.</p>"
            '<div class="moj-scrollable-pane app-table-pane" tabindex="0" role="region" '
            'aria-labelledby="{}">{}</div>',
            self.labelled_by.resolve(context),
            self.nodelist.render(context),
        )


@register.tag
def table_pane(parser: template.base.Parser, token: template.base.Token) -> TablePaneNode:
    """{% table_pane "id of the table's caption" %} ... {% end_table_pane %}"""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("table_pane takes the id of the table's caption")
    nodelist = parser.parse(("end_table_pane",))
    parser.delete_first_token()
    return TablePaneNode(nodelist, parser.compile_filter(bits[1]))


@register.simple_tag(takes_context=True)
def page_links(context: template.Context, page) -> dict[str, str]:
    """The previous and next links of a Django page of results, keeping the other filters in
    the address, for `govuk/pagination.html`."""
    query = context["request"].GET

    def to(number: int) -> str:
        params = query.copy()
        params["page"] = str(number)
        return f"?{params.urlencode()}"

    return {
        "previous": to(page.previous_page_number()) if page.has_previous() else "",
        "next": to(page.next_page_number()) if page.has_next() else "",
        "position": f"Page {page.number} of {page.paginator.num_pages}",
    }
