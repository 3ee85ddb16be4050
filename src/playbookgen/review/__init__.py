"""Review dates: the model (items.py), the rule that warns (rules.py), the printer (output.py)."""
