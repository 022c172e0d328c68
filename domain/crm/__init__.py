"""Front office: leads, customers, contacts, pipelines, deals, activities."""
