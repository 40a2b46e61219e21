"""Output writers: article content is printed as text, never interpreted."""

import io

from newsevents import extract
from newsevents.output import write_table


def test_table_prints_markup_in_article_content_literally():
    r = extract("Police arrested Bilal Khan on Monday in Lahore.", date="2021-03-12",
                id="[blink]id[/blink]", title="[red]Arrest[/red] in Lahore")
    out = io.StringIO()
    assert write_table([r], out) == 1
    printed = out.getvalue()
    assert "[blink]id[/blink]" in printed
    assert "[red]Arrest[/red]" in printed
