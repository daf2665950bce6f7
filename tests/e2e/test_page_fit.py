"""Every role's pages fit the screens people use: a phone (390 px), a small laptop (1024),
the office's usual 1366 and a 1920 monitor.

On each page, at each width, nothing sticks out of the viewport sideways, except inside a
deliberately scrolling table wrapper (.table-scroll); and in a list table the identifying
column and the action column are on screen while the other columns scroll. The test prints
the pages × widths it measured.
"""

import pytest

from benchmarking.demo.seed import seed_demo
from tests.e2e.role_pages import demo_pages, walk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (390, 1024, 1366, 1920)

# Returns what does not fit: elements whose box runs past the viewport's left or right edge
# (descendants of a .table-scroll wrapper excepted: the wrapper itself must fit), a page wider
# than the viewport, and list tables whose identifying or action cell is off screen or scrolled
# out of its wrapper.
MEASURE_FIT = """
(isList) => {
  const width = document.documentElement.clientWidth;
  const describe = (el) => {
    const text = (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    return `<${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\\s+/g, '.') : ''}> "${text}"`;
  };
  const problems = [];
  if (document.documentElement.scrollWidth > width) {
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide`);
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (el.parentElement && el.parentElement.closest('.table-scroll')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > width + 0.5 || box.left < -0.5) {
      problems.push(`${describe(el)} spans ${Math.round(box.left)}–${Math.round(box.right)} px`);
    }
  }
  const tables = [...document.querySelectorAll('.table-scroll table.list-table')];
  if (isList && !tables.some((table) => table.querySelector('tbody .col-id'))) {
    problems.push('no list table marks its identifying column (.col-id)');
  }
  for (const table of tables) {
    const wrapper = table.closest('.table-scroll').getBoundingClientRect();
    const row = table.querySelector('tbody tr');
    for (const cell of row ? row.querySelectorAll('.col-id, .col-action') : []) {
      const box = cell.getBoundingClientRect();
      if (box.width === 0) { problems.push(`${describe(cell)} is hidden`); continue; }
      const left = Math.max(0, wrapper.left), right = Math.min(width, wrapper.right);
      if (box.left < left - 0.5 || box.right > right + 0.5) {
        problems.push(`${describe(cell)} spans ${Math.round(box.left)}–${Math.round(box.right)} px, outside ${Math.round(left)}–${Math.round(right)}`);
      }
    }
  }
  return problems;
}
"""

# Scroll every list table's wrapper to its far right: the identifying column must still show.
SCROLL_TABLES_RIGHT = (
    "() => document.querySelectorAll('.table-scroll').forEach((w) => { w.scrollLeft = w.scrollWidth; })"
)


def test_every_page_fits_every_width(new_page, live_server, capsys):
    seed_demo()
    pages = demo_pages()
    misfits, measured = [], 0
    for role_page, width, page in walk(new_page, live_server.url, pages, WIDTHS):
        for scrolled in (False, True):
            if scrolled:
                page.evaluate(SCROLL_TABLES_RIGHT)
            for problem in page.evaluate(MEASURE_FIT, role_page.is_list):
                misfits.append(f"{role_page.who} {role_page.label} {role_page.path} @{width}: {problem}")
        measured += 1
    with capsys.disabled():
        print(
            f"\n页面适配：{len(pages)} 个页面 × {len(WIDTHS)} 种宽度 ({', '.join(map(str, WIDTHS))} px)"
            f" = {measured} 次测量，{len(misfits)} 处溢出"
        )
        for role_page in pages:
            print(f"  {role_page.who:<13} {role_page.label:<8} {role_page.path}")
    assert measured == len(pages) * len(WIDTHS)
    assert not misfits, "\n".join(misfits[:60])
