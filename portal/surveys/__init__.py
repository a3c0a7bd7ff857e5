"""Customer satisfaction surveys: after each closed case, and twice a year to every contact."""
