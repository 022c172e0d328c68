"""What every domain area writes the same way: "not given" in a patch (`patch`), input
checks (`checks`), and reading or updating one row under its version (`rows`)."""
