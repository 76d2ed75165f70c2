"""medsafe agents: green evaluator and purple participants."""
