"""Every area's access declarations. An area added here is protected everywhere."""

from tenants.access.areas import admin

AREAS = (admin.AREA,)
