"""The compiled read path (DESIGN.md, "Compiled reads").

A query's root fields that the planner covers are answered by one SQL statement each
and a converter that builds their finished response subtree; every other field runs
the ordinary way through graphql-core and the resolvers (the fallback, always right).
`Settings.compiled_reads` turns the compiled path off; the response header
`Atrium-Read-Path` says which path a request took (`compiled`, `mixed`, `fallback`).
"""
