"""Collection: the customer-facing side of surveys (links, survey page, votes, widget)."""
