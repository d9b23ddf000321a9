"""The AQL engine: tokenizer -> parser -> AST -> planner/optimizer -> executor."""
