"""The knowledge base: articles, their revisions and ratings, search pages, publishing."""
