"""The listening page, the embeddable player and the human feed page (plain HTML + JS)."""
