"""Product documentation: guides of Markdown pages that KB engineers maintain."""
