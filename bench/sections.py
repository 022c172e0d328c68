"""Area data for the bench set, in load order (foreign keys point backwards)."""

from __future__ import annotations

from bench.data import Section
from bench.gen_back_office import BACK_OFFICE
from bench.gen_crm import CRM
from bench.gen_hr import HR

AREA_SECTIONS: tuple[Section, ...] = (HR, CRM, BACK_OFFICE)
