"""Hand-written reference lists for the demo Yongkang.

Real place names and real standard numbers where we know them; titles,
indicator benchmarks and the T/ZZB, DB33/T and Q/ numbers are plausible
inventions (demo data: never cite them). Industry codes follow GB/T 4754-2017.
"""

from .industries import INDUSTRIES, CategoryTemplate, IndicatorTemplate, IndustryTemplate
from .offices import OFFICES, OfficeTemplate
from .standards import STANDARDS

__all__ = [
    "INDUSTRIES",
    "OFFICES",
    "STANDARDS",
    "CategoryTemplate",
    "IndicatorTemplate",
    "IndustryTemplate",
    "OfficeTemplate",
]
